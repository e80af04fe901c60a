using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Outbox;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Tests.Outbox;

/// <summary>The publisher against a real SQLite outbox and the bus port; pacing runs on a fake clock (no timing asserts).</summary>
public sealed class OutboxPublisherServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingBus _bus = new();
    private readonly OutboxSignal _signal = new();
    private readonly NodeIdentity _identity = new("n1", new NodeTopics("edgenode", "n1"));
    private SqliteOutboxStore _store = null!;
    private MessageWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteOutboxStore.OpenAsync(_dir.File("edgenode.db"), _time);
        _writer = new MessageWriter(_store, _signal, _bus, _identity, _time);
    }

    [Fact]
    public async Task ExecuteAsync_Backlog_DrainsOldestFirstAndMarksDelivered()
    {
        var ids = await AppendAsync(5);
        using var publisher = Publisher(backlogPerSecond: 0);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Pending() == 0, "backlog delivered");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(ids, _bus.Published.Select(IdOf));
        Assert.All(_bus.Published, m => Assert.Equal(1, m.QualityOfService));
    }

    [Fact]
    public async Task ExecuteAsync_PacedBacklog_LiveItemsGoOutBesideIt()
    {
        var backlog = await AppendAsync(30);
        using var publisher = Publisher(backlogPerSecond: 10);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _bus.Published.Count == 1, "first backlog item sent at once");
        var live = (await AppendAsync(1))[0];
        await Eventually.TrueAsync(() => _bus.Published.Any(m => IdOf(m) == live), "live item sent while the backlog waits");

        // The clock has not moved: the backlog lane still waits for its second slot.
        Assert.Equal(1, _bus.Published.Count(m => backlog.Contains(IdOf(m))));

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _bus.Published.Count(m => backlog.Contains(IdOf(m))) == 11, "ten more backlog items after one second at 10/s");
        Assert.Equal(backlog.Take(11), _bus.Published.Select(IdOf).Where(backlog.Contains));
        await publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionLostMidBacklog_KeepsTheRestAndSendsItAfterReconnect()
    {
        var ids = await AppendAsync(10);
        _bus.LoseConnectionAfter(4);
        using var publisher = Publisher(backlogPerSecond: 0);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => !_bus.IsConnected && Pending() == 6, "four acknowledged, six kept");

        _bus.LoseConnectionAfter(int.MaxValue);
        _bus.IsConnected = true;
        await _bus.RaiseConnectedAsync();
        await Eventually.TrueAsync(() => Pending() == 0, "the rest delivered after the reconnect");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(ids, _bus.Published.Select(IdOf));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
    }

    public void Dispose()
    {
        _signal.Dispose();
        _dir.Dispose();
    }

    private OutboxPublisherService Publisher(double backlogPerSecond) => new(
        _store,
        _bus,
        _signal,
        _writer,
        Options.Create(new OutboxOptions { BacklogMessagesPerSecond = backlogPerSecond, MaxInFlight = 4, BatchSize = 8 }),
        _time,
        NullLogger<OutboxPublisherService>.Instance);

    private async Task<List<string>> AppendAsync(int count)
    {
        var messages = Enumerable.Range(0, count)
            .Select(i => _writer.Create(MessageKind.Result, _identity.Topics.Results, _time.GetUtcNow(), i, i, static (w, n) => w.WriteNumber("n", n)))
            .ToList();
        await _writer.AppendAsync(messages);
        return [.. messages.Select(m => m.Id)];
    }

    private long Pending() => _store.GetStatsAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult().Pending;

    private static string IdOf(BusMessage message) =>
        System.Text.Json.JsonDocument.Parse(message.Payload).RootElement.GetProperty("id").GetString()!;
}
