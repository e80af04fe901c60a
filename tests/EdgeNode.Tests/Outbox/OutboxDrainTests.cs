using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Outbox;
using EdgeNode.Testing;

namespace EdgeNode.Tests.Outbox;

/// <summary>
/// The pipelined drain with many publishes in flight, against a real SQLite outbox and the bus port with the PUBACKs in
/// the test's hands (<see cref="WindowBus"/>): the window bound, the window kept full across batches, marks only after
/// a PUBACK, and a refusal or a lost connection mid-window.
/// </summary>
public sealed class OutboxDrainTests : IAsyncLifetime
{
    private const int Window = 8;
    private const int Batch = 10;
    private readonly WindowBus _bus = new();
    private readonly OutboxDeadLetters _deadLetters = new();
    private OutboxHarness _outbox = null!;

    public async Task InitializeAsync() => _outbox = await OutboxHarness.OpenAsync();

    public async Task DisposeAsync() => await _outbox.DisposeAsync();

    [Fact]
    public async Task Drain_AcksHeld_WindowFullAcrossBatchesNeverOverMaxInFlight_MarksOnlyAcknowledged()
    {
        var ids = await AppendAsync(50);
        using var publisher = Publisher();
        await publisher.StartAsync(CancellationToken.None);

        var acked = new List<string>();
        while (acked.Count < ids.Count)
        {
            // Refilled to the full window each time, also when the rows in flight span two batches of 10.
            var expected = Math.Min(Window, ids.Count - acked.Count);
            await Eventually.TrueAsync(() => _bus.Awaiting == expected, $"{expected} publishes awaiting their PUBACK after {acked.Count} acknowledged");
            Assert.Equal(acked.Count + expected, _bus.Sent.Count);
            acked.AddRange(_bus.Acknowledge(3).Select(IdOf));
            await Eventually.TrueAsync(() => Pending() == ids.Count - acked.Count, $"{acked.Count} marked delivered");
            Assert.Equal(ids.Except(acked), await PendingIdsAsync());
        }

        await publisher.StopAsync(CancellationToken.None);
        Assert.Equal(Window, _bus.MaxAwaiting);
        Assert.Equal(ids, _bus.Sent.Select(IdOf));
    }

    [Fact]
    public async Task Drain_BrokerWithASmallReceiveMaximum_EachLaneKeepsItsShare_NeverMoreInFlight()
    {
        var ids = await AppendAsync(30);
        var bus = new WindowBus { ReceiveMaximum = 10 }; // two lanes and the other senders share 10
        using var publisher = _outbox.Publisher(new OutboxOptions { BacklogMessagesPerSecond = 0, MaxInFlight = Window, BatchSize = Batch }, bus, _deadLetters);
        await publisher.StartAsync(CancellationToken.None);

        var share = OutboxDrain.WindowFor(Window, 10);
        Assert.Equal(3, share);
        await Eventually.TrueAsync(() => bus.Awaiting == share, "the lane's share of the broker's window in flight");
        await Eventually.TrueAsync(
            () =>
            {
                bus.Acknowledge(1);
                return Pending() == 0 && bus.Awaiting == 0;
            },
            "every row acknowledged one at a time");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(share, bus.MaxAwaiting);
        Assert.Equal(ids, bus.Sent.Select(IdOf));
    }

    [Theory]
    [InlineData(64, 65535, 64)]
    [InlineData(64, 32, 14)] // EMQX's default max_inflight
    [InlineData(64, 10, 3)] // HiveMQ's default
    [InlineData(64, 5, 1)]
    [InlineData(64, 1, 1)]
    [InlineData(8, 100, 8)]
    public void WindowFor_TakesTheBrokersReceiveMaximumIntoAccount(int maxInFlight, int receiveMaximum, int expected) =>
        Assert.Equal(expected, OutboxDrain.WindowFor(maxInFlight, receiveMaximum));

    [Fact]
    public async Task Drain_BrokerRefusesOneMidWindow_DeadLettersIt_RestDeliveredOnceInOrder()
    {
        var ids = await AppendAsync(20);
        using var publisher = Publisher();
        await publisher.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => _bus.Awaiting == Window, "a full window");
        _bus.Acknowledge(2);
        var refused = IdOf(_bus.Refuse());
        await AcknowledgeUntilDrainedAsync();
        await publisher.StopAsync(CancellationToken.None);

        var results = _bus.Sent.Where(m => m.Topic.EndsWith("/results", StringComparison.Ordinal)).Select(IdOf).ToList();
        Assert.Equal(ids, results);
        Assert.Equal(ids[2], refused);
        Assert.Equal(1, _deadLetters.Count);
        var deadLettered = Assert.Single(_bus.Sent, m => m.Topic.EndsWith("/events", StringComparison.Ordinal));
        Assert.Equal(refused, JsonDocument.Parse(deadLettered.Payload).RootElement.GetProperty("itemId").GetString());
    }

    [Fact]
    public async Task Drain_ConnectionLostMidWindow_AcknowledgedKept_RestSentAgainInOrderAfterReconnect()
    {
        var ids = await AppendAsync(30);
        using var publisher = Publisher();
        await publisher.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => _bus.Awaiting == Window, "a full window");
        _bus.Acknowledge(5);
        await Eventually.TrueAsync(() => _bus.Awaiting == Window && _bus.Sent.Count == 5 + Window, "the window refilled");
        _bus.Disconnect();
        await Eventually.TrueAsync(() => Pending() == 25, "the five acknowledged marked, nothing else");
        Assert.Equal(ids.Skip(5), await PendingIdsAsync());

        await _bus.ReconnectAsync();
        await AcknowledgeUntilDrainedAsync();
        await publisher.StopAsync(CancellationToken.None);

        // First sends 1-13, the connection drops with 6-13 in flight, and the next session resends from 6 in order.
        var sent = _bus.Sent.Select(IdOf).ToList();
        Assert.Equal(ids.Take(5 + Window), sent.Take(5 + Window));
        Assert.Equal(ids.Skip(5), sent.Skip(5 + Window));
        Assert.Equal(0, _deadLetters.Count);
    }

    private OutboxPublisherService Publisher() =>
        _outbox.Publisher(new OutboxOptions { BacklogMessagesPerSecond = 0, MaxInFlight = Window, BatchSize = Batch }, _bus, _deadLetters);

    private async Task AcknowledgeUntilDrainedAsync() =>
        await Eventually.TrueAsync(
            () =>
            {
                _bus.Acknowledge(int.MaxValue);
                return Pending() == 0 && _bus.Awaiting == 0;
            },
            "every row acknowledged and marked");

    private Task<List<string>> AppendAsync(int count) => _outbox.AppendResultsAsync(count);

    private long Pending() => _outbox.Pending();

    private async Task<List<string>> PendingIdsAsync() => [.. (await _outbox.Store.ReadPendingAsync(0, 1000, CancellationToken.None)).Select(m => m.Id)];

    private static string IdOf(BusMessage message) => OutboxHarness.IdOf(message);
}
