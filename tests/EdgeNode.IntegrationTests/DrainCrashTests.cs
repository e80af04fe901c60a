using System.Globalization;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The pipelined drain (many publishes in flight, delivered marks in group commits) killed with SIGKILL mid-backlog,
/// against a real mosquitto: every row the database marks delivered had been received (no mark without its PUBACK),
/// and after the restart every row arrives, the ones sent again bounded by the window and two batches of marks.
/// </summary>
public sealed class DrainCrashTests : IDisposable
{
    private const int Backlog = 20_000;
    private const int MaxInFlight = 256;
    private const int BatchSize = 512;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task KilledMidDrain_MarkedRowsWereReceived_RestartDeliversEveryRow_ResentBounded()
    {
        var db = _dir.File("edgenode.db");
        OfflineDatabase.FillBacklog(db, "it-drain", Backlog);
        // Unlimited queue towards the probe: mosquitto drops QoS 1 messages for a slow subscriber past 1,000 by default.
        await using var broker = await MosquittoBroker.StartAsync("max_queued_messages 0\n");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-drain/results");
        var environment = NodeEnvironment.For("it-drain", broker.Port, db);
        environment["EdgeNode__Outbox__BacklogMessagesPerSecond"] = "4000";
        environment["EdgeNode__Outbox__MaxInFlight"] = MaxInFlight.ToString(CultureInfo.InvariantCulture);
        environment["EdgeNode__Outbox__BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture);

        await using (var node = NodeProcess.Start(_dir.Path, environment))
        {
            // Killed on the node's own progress (its delivered marks), not on the probe's, which lags behind the
            // broker when the machine is loaded: by then the whole backlog could be gone.
            await Eventually.TrueAsync(() => OfflineDatabase.Delivered(db) >= 2000, "the drain well under way", Startup);
            await node.KillAsync();
        }

        Assert.Equal("ok", ResultRows.IntegrityCheck(db));
        var rows = ResultRows.Read(db);
        var marked = rows.Where(r => r.Value.Delivered).Select(r => r.Key).ToList();
        // A mark means the broker sent its PUBACK, so it holds the row for the probe's session; the probe may still
        // be receiving it when the node dies.
        var arrived = await probe.WaitUntilAsync(m => OfflineResults.Results(m).Select(r => r.Id).ToHashSet().IsSupersetOf(marked), Startup, "every row marked delivered");
        var receivedIds = OfflineResults.Results(arrived).Select(r => r.Id).ToHashSet();
        Assert.All(marked, id => Assert.Contains(id, receivedIds));
        Assert.Contains(rows, r => !r.Value.Delivered);
        var backlog = rows.Keys.Where(id => id.StartsWith("fill", StringComparison.Ordinal)).ToList();
        Assert.Equal(Backlog, backlog.Count);

        await using (var restarted = NodeProcess.Start(_dir.Path, environment))
        {
            await probe.WaitUntilAsync(m => OfflineResults.Results(m).Select(r => r.Id).ToHashSet().IsSupersetOf(backlog), Startup, "the rest of the backlog after the restart");
            await restarted.WaitForOutputAsync("Application started", Startup);
            restarted.Terminate();
            Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var received = OfflineResults.Results(probe.Messages).Where(r => r.Id.StartsWith("fill", StringComparison.Ordinal)).ToList();
        var resent = received.Count - received.Select(r => r.Id).Distinct().Count();
        Assert.True(resent <= 2 * (MaxInFlight + BatchSize), $"{resent} rows were sent twice");

        // Each run sends in seq order, so the arrivals are two ascending runs: the first run's, then the restart's.
        Assert.True(OfflineResults.AscendingChains(received.Select(r => r.Seq)) <= 2, "arrival order is not seq order per run");
        Assert.True(ResultRows.Read(db).Where(r => backlog.Contains(r.Key)).All(r => r.Value.Delivered), "backlog rows still pending after the restart's drain");
    }

    public void Dispose() => _dir.Dispose();
}
