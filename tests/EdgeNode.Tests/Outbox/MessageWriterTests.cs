using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Outbox;

namespace EdgeNode.Tests.Outbox;

public sealed class MessageWriterTests : IAsyncLifetime
{
    private OutboxHarness _outbox = null!;

    public async Task InitializeAsync() => _outbox = await OutboxHarness.OpenAsync();

    public async Task DisposeAsync() => await _outbox.DisposeAsync();

    [Fact]
    public void Create_TwoMessages_AssignsDistinctIdsAndWritesThemIntoTheEnvelope()
    {
        var first = _outbox.Writer.Create(MessageKind.Sensor, "t", _outbox.Time.GetUtcNow(), 3, "x", static (w, v) => w.WriteString("v", v));
        var second = _outbox.Writer.Create(MessageKind.Sensor, "t", _outbox.Time.GetUtcNow(), 4, "x", static (w, v) => w.WriteString("v", v));

        Assert.NotEqual(first.Id, second.Id);
        var root = JsonDocument.Parse(first.Payload).RootElement;
        Assert.Equal(["id", "ts", "seq", "node", "v"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(first.Id, root.GetProperty("id").GetString());
        Assert.Equal(3, root.GetProperty("seq").GetInt64());
        Assert.Equal("n1", root.GetProperty("node").GetString());
        Assert.Equal(3, first.Sequence);
    }

    [Fact]
    public void Create_NoSeq_LeavesSeqOutAndStoresSequenceZero()
    {
        var message = _outbox.Writer.Create(MessageKind.Event, "t", _outbox.Time.GetUtcNow(), null, 0, static (w, _) => w.WriteString("type", "label-button"));

        Assert.False(JsonDocument.Parse(message.Payload).RootElement.TryGetProperty("seq", out _));
        Assert.Equal(0, message.Sequence);
    }

    [Fact]
    public async Task AppendAsync_Messages_AreCommittedAndThePublisherIsWoken()
    {
        var message = _outbox.Writer.Create(MessageKind.Result, _outbox.Identity.Topics.Results, "r1", _outbox.Time.GetUtcNow(), 1, 0, static (_, _) => { });

        await _outbox.Writer.AppendAsync([message]);

        var pending = Assert.Single(await _outbox.Store.ReadPendingAsync(0, 10, CancellationToken.None));
        Assert.Equal("r1", pending.Id);
        Assert.Equal(message.Payload.ToArray(), pending.Payload.ToArray());
        Assert.True(await _outbox.Signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_StoreClosed_ThrowsAndDoesNotWakeThePublisher()
    {
        var message = _outbox.Writer.Create(MessageKind.Result, _outbox.Identity.Topics.Results, "r1", _outbox.Time.GetUtcNow(), 1, 0, static (_, _) => { });
        await _outbox.CloseStoreAsync();

        await Assert.ThrowsAnyAsync<Exception>(async () => await _outbox.Writer.AppendAsync([message]));

        Assert.False(await _outbox.Signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task PublishLiveAsync_Offline_PublishesNothing()
    {
        _outbox.Bus.IsConnected = false;

        Assert.False(await _outbox.Writer.PublishLiveAsync("edgenode/n1/telemetry", new byte[] { 1 }, MessageDelivery.Telemetry, CancellationToken.None));

        Assert.Empty(_outbox.Bus.Published);
    }

    [Fact]
    public async Task PublishLiveAsync_Connected_PublishesWithTheGivenDelivery()
    {
        Assert.True(await _outbox.Writer.PublishLiveAsync("edgenode/n1/telemetry", new byte[] { 1 }, MessageDelivery.Telemetry, CancellationToken.None));

        var published = Assert.Single(_outbox.Bus.Published);
        Assert.Equal(0, published.QualityOfService);
        Assert.False(published.Retain);
    }
}
