using System.Globalization;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The offline-first guarantees of issue 5 against a real mosquitto and the node as a process, with the issue's
/// 60 s broker outage.
/// </summary>
public sealed class OfflineGuaranteesTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    private string Db => _dir.File("edgenode.db");

    [Fact]
    public async Task BrokerStartsLater_WholeBacklogArrives_TelemetryReportsOutboxDepthZero()
    {
        await using var broker = MosquittoBroker.CreateStopped(DurableSubscriber.BrokerConfig(_dir.Path));
        await using var subscriber = await SeedSubscriberAsync(broker, "edgenode/it-contract/#");
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-contract", broker.Port, Db));

        // No broker on the port: the node runs and stores.
        await WaitForStoredResultsAsync(node, 15);

        var connacks = subscriber.Connacks; // mosquitto_sub may reconnect before StartAgainAsync returns
        await broker.StartAgainAsync();
        await subscriber.ReconnectAsync(connacks);
        var backlog = ResultRows.Read(Db).Keys.ToList();
        var messages = await subscriber.WaitUntilAsync(
            m => OfflineResults.Results(m).Select(r => r.Id).ToHashSet().IsSupersetOf(backlog) && OfflineResults.DepthZero(m),
            Startup,
            "the whole backlog and telemetry with outboxDepth 0");

        await node.WaitForOutputAsync("Application started", Startup);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(backlog.Count >= 15);
        OfflineResults.AssertNoGaps(OfflineResults.Deduplicate(OfflineResults.Results(messages)).Select(r => r.Seq));
    }

    [Fact]
    public async Task BrokerDown60s_EveryResultArrivesOnceAfterDedup_NoSeqGaps_InOrderPerLane()
    {
        await using var broker = MosquittoBroker.CreateStopped(DurableSubscriber.BrokerConfig(_dir.Path));
        await using var subscriber = await SeedSubscriberAsync(broker, "edgenode/it-outage/#", stayConnected: true);
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-outage", broker.Port, Db));
        await subscriber.WaitUntilAsync(m => OfflineResults.Results(m).Count >= 5, Startup, "live results before the outage");

        await broker.StopAsync();
        var beforeOutage = ResultRows.Read(Db).Count;
        await Task.Delay(TimeSpan.FromSeconds(60));
        var producedOffline = ResultRows.Read(Db).Count - beforeOutage;
        var connacks = subscriber.Connacks; // mosquitto_sub may reconnect before StartAgainAsync returns
        await broker.StartAgainAsync();
        await subscriber.ReconnectAsync(connacks);
        var stored = ResultRows.Read(Db).Keys.ToList();
        var reconnected = subscriber.Messages.Count;
        try
        {
            await subscriber.WaitUntilAsync(
                m => OfflineResults.Results(m).Select(r => r.Id).ToHashSet().IsSupersetOf(stored) && OfflineResults.DepthZero(m.Skip(reconnected)),
                Startup,
                "the backlog after the outage");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nNode output:\n" + node.Output + "\nBroker:\n" + broker.Log, ex);
        }

        await node.WaitForOutputAsync("Application started", Startup);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        await Task.Delay(500);
        var rows = ResultRows.Read(Db);
        var received = OfflineResults.Deduplicate(OfflineResults.Results(subscriber.Messages));
        Assert.True(producedOffline >= 5, $"only {producedOffline} results while the broker was down");
        // Everything delivered was received and everything received is stored. Results committed while the
        // node was stopping may still be pending (sent at the next start), so gaps are checked below the
        // lowest pending seq.
        var receivedIds = received.Select(r => r.Id).ToHashSet();
        Assert.All(rows.Where(r => r.Value.Delivered), r => Assert.Contains(r.Key, receivedIds));
        Assert.All(receivedIds, id => Assert.Contains(id, rows.Keys));
        var firstPending = rows.Values.Where(r => !r.Delivered)
            .Select(r => System.Text.Json.JsonDocument.Parse(r.Payload).RootElement.GetProperty("seq").GetInt64())
            .DefaultIfEmpty(long.MaxValue).Min();
        OfflineResults.AssertNoGaps(received.Select(r => r.Seq).Where(seq => seq < firstPending));
        Assert.True(OfflineResults.AscendingChains(received.Select(r => r.Seq)) <= 2, "arrival order is not backlog-oldest-first beside live: " + string.Join(',', received.Select(r => r.Seq)));
    }

    [Fact]
    public async Task KilledDuringWrites20Times_IntegrityOk_EveryPublishedResultStored()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-kill/results");
        var environment = NodeEnvironment.For("it-kill", broker.Port, Db);
        environment["EdgeNode__Camera__FramesPerSecond"] = "30";
        var random = new Random(5);
        for (var i = 0; i < 20; i++)
        {
            var seen = probe.Messages.Count;
            await using var node = NodeProcess.Start(_dir.Path, environment);
            await probe.WaitUntilAsync(m => m.Count > seen, Startup, $"a result from run {i}");
            await Task.Delay(random.Next(0, 400));
            await node.KillAsync();

            Assert.Equal("ok", ResultRows.IntegrityCheck(Db));
            var rows = ResultRows.Read(Db);
            var published = OfflineResults.Results(probe.Messages);
            Assert.All(published, r => Assert.True(rows.ContainsKey(r.Id), $"run {i}: published result {r.Id} (seq {r.Seq}) is not in the database"));
        }

        var all = OfflineResults.Deduplicate(OfflineResults.Results(probe.Messages));
        Assert.Equal(all.Count, all.Select(r => r.Seq).Distinct().Count());
    }

    [Fact]
    public async Task RestartMidDrain_BacklogDrainsAfterRestart_NothingSentTwiceBeyondInFlight()
    {
        const int MaxInFlight = 4;
        await using var broker = MosquittoBroker.CreateStopped(DurableSubscriber.BrokerConfig(_dir.Path));
        await using var subscriber = await SeedSubscriberAsync(broker, "edgenode/it-restart/results");
        var environment = NodeEnvironment.For("it-restart", broker.Port, Db);
        environment["EdgeNode__Outbox__BacklogMessagesPerSecond"] = "8";
        environment["EdgeNode__Outbox__MaxInFlight"] = MaxInFlight.ToString(CultureInfo.InvariantCulture);
        environment["EdgeNode__Outbox__BatchSize"] = "8";
        await using (var offline = NodeProcess.Start(_dir.Path, environment))
        {
            await WaitForStoredResultsAsync(offline, 40);
            await offline.WaitForOutputAsync("Application started", Startup);
            offline.Terminate();
            Assert.Equal(0, await offline.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var backlog = ResultRows.Read(Db).Keys.ToList();
        var connacks = subscriber.Connacks; // mosquitto_sub may reconnect before StartAgainAsync returns
        await broker.StartAgainAsync();
        await subscriber.ReconnectAsync(connacks);
        await using (var draining = NodeProcess.Start(_dir.Path, environment))
        {
            await subscriber.WaitUntilAsync(m => m.Count >= 10, Startup, "the drain to start");
            await draining.WaitForOutputAsync("Application started", Startup);
            draining.Terminate();
            Assert.Equal(0, await draining.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var pendingAtRestart = ResultRows.Read(Db).Values.Count(r => !r.Delivered);
        await using (var restarted = NodeProcess.Start(_dir.Path, environment))
        {
            await subscriber.WaitUntilAsync(m => OfflineResults.Results(m).Select(r => r.Id).ToHashSet().IsSupersetOf(backlog), Startup, "the rest of the backlog after the restart");
            await restarted.WaitForOutputAsync("Application started", Startup);
            restarted.Terminate();
            Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var received = OfflineResults.Results(subscriber.Messages);
        var duplicates = received.Count - received.Select(r => r.Id).Distinct().Count();
        Assert.True(pendingAtRestart > 0, "the drain had finished before the restart");
        Assert.True(duplicates <= 2 * MaxInFlight, $"{duplicates} results were sent twice");

        // Live results of the last run may still be pending when it stops (they wait for the next start), so
        // gaps are checked up to the backlog's end, and everything the database marks delivered was received.
        var rows = ResultRows.Read(Db);
        var receivedIds = received.Select(r => r.Id).ToHashSet();
        Assert.All(rows.Where(r => r.Value.Delivered), r => Assert.Contains(r.Key, receivedIds));
        var backlogEnd = OfflineResults.Deduplicate(received).Where(r => backlog.Contains(r.Id)).Max(r => r.Seq);
        OfflineResults.AssertNoGaps(OfflineResults.Deduplicate(received).Select(r => r.Seq).Where(seq => seq <= backlogEnd));
    }

    [Fact]
    public async Task SizeCapWhileOffline_NeverExceeded_DropsCountedAndReportedWhenBackOnline()
    {
        const double CapMegabytes = 1;
        await using var broker = MosquittoBroker.CreateStopped(DurableSubscriber.BrokerConfig(_dir.Path));
        await using var subscriber = await SeedSubscriberAsync(broker, "edgenode/it-cap/#");
        var environment = NodeEnvironment.For("it-cap", broker.Port, Db);
        environment["EdgeNode__Storage__MaxSizeMegabytes"] = CapMegabytes.ToString(CultureInfo.InvariantCulture);
        OfflineDatabase.FillNearCap(Db, "it-cap", CapMegabytes);

        await using var node = NodeProcess.Start(_dir.Path, environment);
        long largest = 0;
        while (OfflineDatabase.Counter(Db, "dropped") < 10)
        {
            Assert.False(node.HasExited, node.Output);
            largest = Math.Max(largest, OfflineDatabase.Size(Db));
            await Task.Delay(50);
        }

        largest = Math.Max(largest, OfflineDatabase.Size(Db));
        var connacks = subscriber.Connacks; // mosquitto_sub may reconnect before StartAgainAsync returns
        await broker.StartAgainAsync();
        await subscriber.ReconnectAsync(connacks);
        var messages = await subscriber.WaitUntilAsync(m => m.Any(x => x.Topic.EndsWith("/events", StringComparison.Ordinal) && x.Payload.Contains("outbox-dropped", StringComparison.Ordinal)), Startup, "the dropped-items event");
        await node.WaitForOutputAsync("Application started", Startup);
        node.Terminate();
        await node.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(largest <= (long)(CapMegabytes * 1024 * 1024), $"database + WAL reached {largest} bytes");
        var report = System.Text.Json.JsonDocument.Parse(messages.First(x => x.Topic.EndsWith("/events", StringComparison.Ordinal)).Payload).RootElement;
        Assert.True(report.GetProperty("dropped").GetInt64() >= 10);
        Assert.Equal(0, OfflineDatabase.Counter(Db, "dropped:unreported") > 0 ? 1 : 0);
        Assert.Contains("dropped", node.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Starts the broker, registers a persistent subscription and lets mosquitto save it; then, unless told to
    /// stay up, kills the broker (the subscriber is dropped, not disconnected, so its session survives).
    /// </summary>
    private static async Task<DurableSubscriber> SeedSubscriberAsync(MosquittoBroker broker, string filter, bool stayConnected = false)
    {
        await broker.StartAgainAsync();
        var subscriber = await DurableSubscriber.SubscribeAsync(broker.Port, filter);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        if (!stayConnected)
        {
            await broker.StopAsync();
        }

        return subscriber;
    }

    private async Task WaitForStoredResultsAsync(NodeProcess node, int count)
    {
        var deadline = DateTime.UtcNow + Startup;
        while (!File.Exists(Db) || OfflineDatabase.Results(Db) < count)
        {
            Assert.False(node.HasExited, node.Output);
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} results stored: {node.Output}");
            await Task.Delay(200);
        }
    }
}
