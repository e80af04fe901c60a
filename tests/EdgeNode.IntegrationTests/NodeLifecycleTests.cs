using System.Diagnostics;
using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>The node as a real process against a real mosquitto: birth, will, telemetry, results, clean stop.</summary>
public sealed class NodeLifecycleTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Node_PublishesBirthTelemetryAndResults_StoresExactlyWhatItPublishes_AndStopsCleanly()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-life/#");
        var db = _dir.File("edgenode.db");
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-life", broker.Port, db));

        var birth = await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/it-life/status"), Startup, "birth");
        Assert.Equal("online", birth.First(x => x.Topic == "edgenode/it-life/status").Payload);

        await probe.WaitUntilAsync(m => m.Count(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)) >= 5 && m.Any(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)), Startup, "results and telemetry");

        var telemetry = JsonDocument.Parse(probe.On("/telemetry")[^1].Payload).RootElement;
        foreach (var key in new[] { "uptimeS", "framesIn", "framesDropped", "inferences", "fps", "latencyP50Ms", "latencyP95Ms", "model", "executionProvider", "outboxDepth" })
        {
            Assert.True(telemetry.TryGetProperty(key, out _), $"telemetry lacks '{key}': {telemetry}");
        }

        Assert.Equal("resnet18", telemetry.GetProperty("model").GetString()![..8]);
        Assert.Equal("CPU", telemetry.GetProperty("executionProvider").GetString());

        var stopwatch = Stopwatch.StartNew();
        node.Terminate();
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(15));
        stopwatch.Stop();
        Assert.Equal(0, exit);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stopwatch.Elapsed}");

        var messages = await probe.WaitUntilAsync(m => m.Any(x => x.Topic == "edgenode/it-life/status" && x.Payload == "offline"), TimeSpan.FromSeconds(10), "offline on SIGTERM");
        // QoS 1: a result whose PUBACK came too late is sent again, byte for byte (docs/mqtt.md); consumers de-duplicate on id.
        var resultMessages = messages.Where(m => m.Topic == "edgenode/it-life/results").ToList();
        Assert.All(resultMessages.GroupBy(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("id").GetString()), copies => Assert.Single(copies.Select(c => c.Payload).Distinct()));
        var results = resultMessages.DistinctBy(m => m.Payload).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        AssertResultSchema(results);

        // Every published result is in SQLite with the identical payload, and everything stored was published.
        var rows = ResultRows.Read(db);
        var published = resultMessages.DistinctBy(m => m.Payload).ToDictionary(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("id").GetString()!, m => m.Payload);
        foreach (var (id, payload) in published)
        {
            Assert.True(rows.TryGetValue(id, out var row), $"published result {id} is not in SQLite");
            Assert.Equal(row.Payload, payload);
        }

        Assert.All(rows.Where(r => r.Value.Delivered), r => Assert.Contains(r.Key, published.Keys));
        Assert.Equal(rows.Count, published.Count);
        Assert.Equal("ok", ResultRows.IntegrityCheck(db));
    }

    [Fact]
    public async Task Node_KilledWithSigkill_BrokerPublishesTheWillOffline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-will/status");
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-will", broker.Port, _dir.File("edgenode.db")));
        await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "online"), Startup, "birth");

        await node.KillAsync();

        var messages = await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "offline"), TimeSpan.FromSeconds(60), "will after kill -9");
        Assert.Equal("offline", messages[^1].Payload);
    }

    [Fact]
    public async Task Node_WithoutBroker_KeepsCapturingAndStoringResults()
    {
        var port = FreePort.Next();
        var db = _dir.File("edgenode.db");
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-nobroker", port, db));
        await node.WaitForOutputAsync("Pipeline started", Startup);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ResultRows.Read(db).Count < 5)
        {
            Assert.False(node.HasExited, node.Output);
            Assert.True(DateTime.UtcNow < deadline, "no results stored without a broker:\n" + node.Output);
            await Task.Delay(500);
        }

        Assert.All(ResultRows.Read(db).Values, r => Assert.False(r.Delivered));
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Node_EmbeddedDefault_ServesItsOwnBrokerToSubscribers()
    {
        var port = FreePort.Next();
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-embedded", port, _dir.File("edgenode.db"), embeddedBroker: true));
        await node.WaitForOutputAsync("Embedded MQTT broker listening", Startup);
        await using var probe = await MqttProbe.ConnectAsync(port, "edgenode/#");

        // The retained birth may be delivered after the first live result when the probe subscribes mid-stream.
        await probe.WaitUntilAsync(
            m => m.Any(x => x.Topic == "edgenode/it-embedded/results") && m.Any(x => x.Topic == "edgenode/it-embedded/status" && x.Payload == "online"),
            Startup,
            "results and the online status from the embedded broker");

        // A subscriber arriving later gets the birth as a retained message.
        await using var late = await MqttProbe.ConnectAsync(port, "edgenode/it-embedded/status");
        var status = await late.WaitUntilAsync(m => m.Count > 0, TimeSpan.FromSeconds(10), "retained status");
        Assert.True(status[0].Retain);
        Assert.Equal("online", status[0].Payload);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    public void Dispose() => _dir.Dispose();

    private static void AssertResultSchema(List<JsonElement> results)
    {
        Assert.NotEmpty(results);
        // Results stored before the broker connection go out on the backlog lane, later ones on the live lane, and the
        // two lanes interleave (docs/storage.md): the seqs are distinct and gap-free, and each lane's run ascends.
        var seqs = results.Select(r => r.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range((int)seqs.Min(), seqs.Count).Select(i => (long)i), seqs.Order());
        Assert.True(OfflineResults.AscendingChains(seqs) <= 2, "more than the two lanes' ascending runs: " + string.Join(",", seqs));
        Assert.Equal(results.Count, results.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        foreach (var r in results)
        {
            Assert.EndsWith("Z", r.GetProperty("ts").GetString(), StringComparison.Ordinal);
            Assert.True(DateTimeOffset.TryParse(r.GetProperty("ts").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.StartsWith("resnet18", r.GetProperty("model").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("label").ValueKind);
            Assert.InRange(r.GetProperty("novelty").GetDouble(), 0, 2);
        }
    }
}
