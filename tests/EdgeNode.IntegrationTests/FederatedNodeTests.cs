using System.Globalization;
using System.Text.Json;
using EdgeNode.Aggregation;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The node as a process in a federated round with the real aggregator host, through mosquitto: labels from MQTT,
/// the node's signed update accepted under its own registered key, the next global head adopted by the node.
/// </summary>
public sealed class FederatedNodeTests : IDisposable
{
    private const string Fleet = "it-fleet";
    private const string Node = "it-fl";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Node_TrainsFromGlobal_SignedUpdateAggregated_AdoptsNextGlobal(bool statisticsRound)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, $"edgenode/{Node}/telemetry", $"edgenode/{Node}/results", $"edgenode/fleet/{Fleet}/fl/updates/{Node}");
        var environment = NodeEnvironment.For(Node, broker.Port, _dir.File("edgenode.db"));
        environment["EdgeNode__Federated__Enabled"] = "true";
        environment["EdgeNode__Federated__Fleet"] = Fleet;
        environment["EdgeNode__Learning__RetrainAfterLabels"] = "1000"; // only federated heads in this test
        await using var node = NodeProcess.Start(_dir.Path, environment);

        // The node creates its signing key on first start and writes the public half for the aggregator.
        var publicKey = _dir.File(Path.Combine("keys", Node + ".pem"));
        await node.WaitForOutputAsync("register", Startup);
        Assert.True(File.Exists(publicKey), node.Output);
        Assert.Contains("BEGIN PUBLIC KEY", await File.ReadAllTextAsync(publicKey), StringComparison.Ordinal);

        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await client.WaitReadyAsync($"edgenode/{Node}/cmd/health", Startup);
        for (var i = 0; i < 8; i++)
        {
            var label = await client.SendAsync($"edgenode/{Node}/cmd/label", $"{{\"result\":\"last\",\"label\":\"{(i % 2 == 0 ? "cat" : "dog")}\"}}", Reply);
            Assert.True(label.Ok, label.Json);
            await Task.Delay(150);
        }

        // The aggregator registers the node's key and opens round 1 with an untrained 512-d head for cat and dog.
        var keys = Directory.CreateDirectory(_dir.File("aggregator-keys")).FullName;
        File.Copy(publicKey, Path.Combine(keys, Node + ".pem"));
        var initial = new HeadModel(512);
        initial.AddClass("cat");
        initial.AddClass("dog");
        await File.WriteAllBytesAsync(_dir.File("initial.head"), HeadSerializer.Serialize(initial, new HeadInfo(0, DateTimeOffset.UnixEpoch, "test", 0, 0)));
        var builder = AggregatorHost.Create(
        [
            "--EdgeNode:Mqtt:Host=127.0.0.1",
            "--EdgeNode:Mqtt:Port=" + broker.Port.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Fleet=" + Fleet,
            "--EdgeNode:Aggregator:StatePath=" + _dir.File("aggregator-state"),
            "--EdgeNode:Aggregator:KeysPath=" + keys,
            "--EdgeNode:Aggregator:InitialHeadPath=" + _dir.File("initial.head"),
            "--EdgeNode:Aggregator:MinUpdates=1",
            "--EdgeNode:Aggregator:RoundSeconds=600",
            "--EdgeNode:Aggregator:StatisticsRound=" + (statisticsRound ? "true" : "false"),
        ]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var aggregator = builder.Build();
        await aggregator.StartAsync();
        var service = aggregator.Services.GetRequiredService<AggregatorService>();
        await service.Ready;

        // The node's update for round 1 (version 0) verifies under its registered key, and closes the round.
        // In a statistics round (announced by v0's config.statistics) the update carries the node's statistics (codec 16, 3 chunks for d = 512).
        Assert.Equal(statisticsRound, service.Coordinator.Current.Config.Statistics);
        var updates = await probe.WaitUntilAsync(m => FirstUpdate(m) is not null, Startup, "the node's update");
        var update = FirstUpdate(updates)!;
        Assert.Equal((Node, 0L, 1L), (update.NodeId, update.BaseVersion, update.Round));

        // Every label: in a statistics round the ledger's training split and the stored validation samples together.
        Assert.Equal(8, update.SampleCount);
        Assert.Equal(statisticsRound ? DeltaCodec.Statistics : DeltaCodec.Dense, update.Codec);
        Assert.Equal(statisticsRound ? 512 : initial.ParameterCount, update.ParameterCount);
        var deadline = DateTime.UtcNow + Startup;
        while (service.Coordinator.Current.Version < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "round 1 never closed with the node's update:\n" + node.Output);
            await Task.Delay(200);
        }

        // The node adopts the aggregated head: results now carry a fleet class and the head version.
        var results = await probe.WaitUntilAsync(
            m => m.Any(x => x.Topic.EndsWith("/results", StringComparison.Ordinal) && JsonDocument.Parse(x.Payload).RootElement.GetProperty("label").ValueKind == JsonValueKind.String),
            Startup,
            "a result labelled by the adopted global head");
        var labelled = JsonDocument.Parse(results.Last(x => x.Topic.EndsWith("/results", StringComparison.Ordinal)).Payload).RootElement;
        Assert.True(labelled.GetProperty("label").GetString() is "cat" or "dog", labelled.ToString());
        await node.WaitForOutputAsync("Adopted global head v1", Startup);
        Assert.False(node.HasExited, node.Output);
        await aggregator.StopAsync();
    }

    private static HeadUpdate? FirstUpdate(IReadOnlyList<ReceivedMessage> messages)
    {
        var assembler = new EdgeNode.Common.ChunkAssembler();
        foreach (var m in messages.Where(x => x.Topic.Contains("/fl/updates/", StringComparison.Ordinal)))
        {
            if (assembler.Add(m.Bytes, Node) is { } whole)
            {
                return HeadUpdateWire.Read(whole).Update;
            }
        }

        return null;
    }

    public void Dispose() => _dir.Dispose();
}
