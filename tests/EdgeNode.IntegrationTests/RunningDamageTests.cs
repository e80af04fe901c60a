using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The database file damaged under the running node's drain (issue 20, item 15): telemetry counts the damaged reads
/// and the undelivered items they cost, the resources check turns unhealthy (so the systemd watchdog would restart the
/// node), and the next start's recovery moves the damaged file aside. The node as a process against a real mosquitto;
/// the middle of the real file overwritten with garbage while a 50,000-row backlog drains.
/// </summary>
public sealed class RunningDamageTests : IDisposable
{
    private const string Node = "it-damage";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Drain_FileDamagedWhileRunning_TelemetryCountsDamage_ResourcesUnhealthy_RestartMovesItAside()
    {
        var db = _dir.File("edgenode.db");
        OfflineDatabase.FillBacklog(db, Node, 50_000);
        await using var broker = await MosquittoBroker.StartAsync("max_queued_messages 0\n");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, $"edgenode/{Node}/results", $"edgenode/{Node}/telemetry");
        var environment = NodeEnvironment.For(Node, broker.Port, db);
        environment["EdgeNode__Outbox__BacklogMessagesPerSecond"] = "2000";
        environment["EdgeNode__Health__PeriodSeconds"] = "1";
        await using (var node = NodeProcess.Start(_dir.Path, environment))
        {
            await probe.WaitUntilAsync(m => m.Count(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)) >= 1000, Startup, "the backlog draining");
            Damage(db, from: 0.4, to: 0.95);

            JsonElement telemetry = default;
            try
            {
                await probe.WaitUntilAsync(
                    m => m.Where(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Select(x => JsonDocument.Parse(x.Payload).RootElement)
                        .Any(t => (telemetry = t).GetProperty("healthFailing").EnumerateArray().Any(c => c.GetString() == "resources")),
                    Startup,
                    "telemetry with the resources check failing");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException(ex.Message + "\nNode output:\n" + node.Output, ex);
            }

            Assert.Equal("unhealthy", telemetry.GetProperty("health").GetString());
            Assert.True(telemetry.GetProperty("storageDamagedBatches").GetInt64() >= 3, telemetry.ToString());
            Assert.InRange(telemetry.GetProperty("storageDamageLost").GetInt64(), 1, 50_000);
            Assert.Contains($"Database {db} is damaged", node.Output, StringComparison.Ordinal);
            Assert.False(node.HasExited, node.Output);
            node.Terminate();
            await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        // The recovery path the watchdog's restart leads to: the damaged file is moved aside and a fresh one started.
        await using (var node = NodeProcess.Start(_dir.Path, environment))
        {
            await node.WaitForOutputAsync("moved aside", Startup);
            node.Terminate();
            await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Single(Directory.GetFiles(_dir.Path, "edgenode.db.corrupt-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Overwrites the pages between the fractions <paramref name="from"/> and <paramref name="to"/> of the file with random bytes.</summary>
    private static void Damage(string path, double from, double to)
    {
        const int Page = 4096;
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var pages = file.Length / Page;
        var garbage = new byte[Page];
        var random = new Random(15);
        for (var page = (long)(pages * from); page < (long)(pages * to); page++)
        {
            random.NextBytes(garbage);
            file.Position = page * Page;
            file.Write(garbage);
        }

        file.Flush(flushToDisk: true);
    }
}
