using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Outbox;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Tests.Outbox;

public sealed class MessageWriterTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingBus _bus = new();
    private readonly OutboxSignal _signal = new();
    private readonly NodeIdentity _identity = new("n1", new NodeTopics("edgenode", "n1"));
    private SqliteOutboxStore _store = null!;
    private MessageWriter _writer = null!;
    private bool _storeClosed;

    public async Task InitializeAsync()
    {
        _store = await SqliteOutboxStore.OpenAsync(_dir.File("edgenode.db"), _time, CancellationToken.None);
        _writer = new MessageWriter(_store, _signal, _bus, _identity, _time);
    }

    [Fact]
    public void Create_TwoMessages_AssignsDistinctIdsAndWritesThemIntoTheEnvelope()
    {
        var first = _writer.Create(MessageKind.Sensor, "t", _time.GetUtcNow(), 3, "x", static (w, v) => w.WriteString("v", v));
        var second = _writer.Create(MessageKind.Sensor, "t", _time.GetUtcNow(), 4, "x", static (w, v) => w.WriteString("v", v));

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
        var message = _writer.Create(MessageKind.Event, "t", _time.GetUtcNow(), null, 0, static (w, _) => w.WriteString("type", "label-button"));

        Assert.False(JsonDocument.Parse(message.Payload).RootElement.TryGetProperty("seq", out _));
        Assert.Equal(0, message.Sequence);
    }

    [Fact]
    public async Task AppendAsync_Messages_AreCommittedAndThePublisherIsWoken()
    {
        var message = _writer.Create(MessageKind.Result, _identity.Topics.Results, "r1", _time.GetUtcNow(), 1, 0, static (_, _) => { });

        await _writer.AppendAsync([message]);

        var pending = Assert.Single(await _store.ReadPendingAsync(0, 10, CancellationToken.None));
        Assert.Equal("r1", pending.Id);
        Assert.Equal(message.Payload.ToArray(), pending.Payload.ToArray());
        Assert.True(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_StoreClosed_ThrowsAndDoesNotWakeThePublisher()
    {
        var message = _writer.Create(MessageKind.Result, _identity.Topics.Results, "r1", _time.GetUtcNow(), 1, 0, static (_, _) => { });
        await _store.DisposeAsync();
        _storeClosed = true;

        await Assert.ThrowsAnyAsync<Exception>(async () => await _writer.AppendAsync([message]));

        Assert.False(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task PublishLiveAsync_Offline_PublishesNothing()
    {
        _bus.IsConnected = false;

        Assert.False(await _writer.PublishLiveAsync("edgenode/n1/telemetry", new byte[] { 1 }, MessageDelivery.Telemetry, CancellationToken.None));

        Assert.Empty(_bus.Published);
    }

    [Fact]
    public async Task PublishLiveAsync_Connected_PublishesWithTheGivenDelivery()
    {
        Assert.True(await _writer.PublishLiveAsync("edgenode/n1/telemetry", new byte[] { 1 }, MessageDelivery.Telemetry, CancellationToken.None));

        var published = Assert.Single(_bus.Published);
        Assert.Equal(0, published.QualityOfService);
        Assert.False(published.Retain);
    }

    public async Task DisposeAsync()
    {
        if (!_storeClosed)
        {
            await _store.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _signal.Dispose();
        _dir.Dispose();
    }
}
