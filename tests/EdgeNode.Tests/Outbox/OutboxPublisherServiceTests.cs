using EdgeNode.Core;
using EdgeNode.Outbox;
using EdgeNode.Testing;

namespace EdgeNode.Tests.Outbox;

/// <summary>The publisher against a real SQLite outbox and the bus port; pacing runs on a fake clock (no timing asserts).</summary>
public sealed class OutboxPublisherServiceTests : IAsyncLifetime
{
    private OutboxHarness _outbox = null!;

    public async Task InitializeAsync() => _outbox = await OutboxHarness.OpenAsync();

    public async Task DisposeAsync() => await _outbox.DisposeAsync();

    [Fact]
    public async Task ExecuteAsync_Backlog_DrainsOldestFirstAndMarksDelivered()
    {
        var ids = await AppendAsync(5);
        using var publisher = Publisher(backlogPerSecond: 0);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Pending() == 0, "backlog delivered");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(ids, _outbox.Bus.Published.Select(IdOf));
        Assert.All(_outbox.Bus.Published, m => Assert.Equal(1, m.QualityOfService));
    }

    [Fact]
    public async Task ExecuteAsync_PacedBacklog_LiveItemsGoOutBesideIt()
    {
        var backlog = await AppendAsync(30);
        using var publisher = Publisher(backlogPerSecond: 10);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _outbox.Bus.Published.Count == 1, "first backlog item sent at once");
        var live = (await AppendAsync(1))[0];
        await Eventually.TrueAsync(() => _outbox.Bus.Published.Any(m => IdOf(m) == live), "live item sent while the backlog waits");

        // The clock has not moved: the backlog lane still waits for its second slot.
        Assert.Equal(1, _outbox.Bus.Published.Count(m => backlog.Contains(IdOf(m))));

        _outbox.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _outbox.Bus.Published.Count(m => backlog.Contains(IdOf(m))) == 11, "ten more backlog items after one second at 10/s");
        Assert.Equal(backlog.Take(11), _outbox.Bus.Published.Select(IdOf).Where(backlog.Contains));
        await publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionLostMidBacklog_KeepsTheRestAndSendsItAfterReconnect()
    {
        var ids = await AppendAsync(10);
        _outbox.Bus.LoseConnectionAfter(4);
        using var publisher = Publisher(backlogPerSecond: 0);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => !_outbox.Bus.IsConnected && Pending() == 6, "four acknowledged, six kept");

        _outbox.Bus.LoseConnectionAfter(int.MaxValue);
        _outbox.Bus.IsConnected = true;
        await _outbox.Bus.RaiseConnectedAsync();
        await Eventually.TrueAsync(() => Pending() == 0, "the rest delivered after the reconnect");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(ids, _outbox.Bus.Published.Select(IdOf));
    }

    private OutboxPublisherService Publisher(double backlogPerSecond) =>
        _outbox.Publisher(new OutboxOptions { BacklogMessagesPerSecond = backlogPerSecond, MaxInFlight = 4, BatchSize = 8 });

    private Task<List<string>> AppendAsync(int count) => _outbox.AppendResultsAsync(count);

    private long Pending() => _outbox.Pending();

    private static string IdOf(BusMessage message) => OutboxHarness.IdOf(message);
}
