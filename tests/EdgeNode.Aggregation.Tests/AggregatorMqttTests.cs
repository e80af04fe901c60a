using EdgeNode.Common;
using EdgeNode.Testing;
using System.Buffers.Binary;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation.Tests;

/// <summary>The aggregator host against a real mosquitto, with synthetic Gaussian-blob embeddings.</summary>
public sealed class AggregatorMqttTests
{
    private const int Dimension = 16;
    private const int Classes = 4;

    private static readonly (SampleSet Train, SampleSet Test) Data = Blobs.Make(Classes, Dimension, 60, 40, 1.2f);

    private static string[] Labels => [.. Enumerable.Range(0, Classes).Select(Blobs.Label)];

    private static string[] Nodes(int count) => [.. Enumerable.Range(0, count).Select(i => "node" + i)];

    [Fact]
    public async Task Aggregator_KilledMidRoundAndRestarted_LosesNoUpdate()
    {
        var nodes = Nodes(4);
        await using var fleet = await FleetHarness.StartAsync(nodes, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=4");
        var global = await fleet.WaitGlobalAsync(0);
        var shards = Blobs.Shards(Data.Train, 4, 2);
        var updates = nodes.Select((n, i) => new FederatedTrainer(n, fleet.Signer(n)).Train(global, shards[i], i, default)).ToArray();
        await fleet.PublishAsync(nodes[0], updates[0].Wire);
        await fleet.PublishAsync(nodes[1], updates[1].Wire);
        await fleet.WaitAcceptedAsync(2);

        await fleet.StopAggregatorAsync();
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=4");
        Assert.Equal(2, fleet.Service.Coordinator.Accepted);
        await fleet.PublishAsync(nodes[1], updates[1].Wire); // resent after the restart: still one
        await fleet.PublishAsync(nodes[2], updates[2].Wire);
        await fleet.PublishAsync(nodes[3], updates[3].Wire);
        var next = await fleet.WaitGlobalAsync(1);

        // The new global is exactly the start plus the sample-weighted mean of all four deltas.
        var expected = global.ReadHead();
        var mean = FedAvg(updates.Select(u => u.Update).ToArray(), expected.ParameterCount);
        var actual = new float[expected.ParameterCount];
        next.ReadHead().GetParameters(actual);
        var start = new float[expected.ParameterCount];
        expected.GetParameters(start);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(start[i] + mean[i], actual[i], 4);
        }

        Assert.Equal(2, next.Round);
    }

    [Fact]
    public async Task DuplicateDelivery_CountedOnce()
    {
        var nodes = Nodes(2);
        await using var fleet = await FleetHarness.StartAsync(nodes, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=2");
        var global = await fleet.WaitGlobalAsync(0);
        var (wire, _) = new FederatedTrainer(nodes[0], fleet.Signer(nodes[0])).Train(global, Data.Train, 1, default);
        for (var i = 0; i < 3; i++)
        {
            await fleet.PublishAsync(nodes[0], wire);
        }

        await fleet.WaitAcceptedAsync(1);
        await Task.Delay(300);
        Assert.Equal(1, fleet.Service.Coordinator.Accepted);
        Assert.Equal(0, fleet.Service.Coordinator.Current.Version);
        var (second, _) = new FederatedTrainer(nodes[1], fleet.Signer(nodes[1])).Train(global, Data.Train, 2, default);
        await fleet.PublishAsync(nodes[1], second);
        Assert.Equal(1, (await fleet.WaitGlobalAsync(1)).Version);
    }

    [Fact]
    public async Task ReplayedUpdate_EarlierRoundOrAnotherNodesTopic_Rejected_AfterARestartToo_TheFreshOneAccepted()
    {
        var nodes = Nodes(3);
        await using var fleet = await FleetHarness.StartAsync(nodes, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=2");
        var trainers = nodes.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var first = await fleet.WaitGlobalAsync(0);
        var recorded = trainers[0].Train(first, Data.Train, 1, default).Wire;
        await fleet.PublishAsync(nodes[0], recorded);
        await fleet.PublishAsync(nodes[1], trainers[1].Train(first, Data.Train, 2, default).Wire);
        var second = await fleet.WaitGlobalAsync(1);
        await fleet.StopAggregatorAsync();
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=2");

        // In this order on one connection: node1's fresh update on node2's topic, node0's round-1 update replayed
        // (base v0 is within MaxStaleness, so only the round tells it is old), then node0's fresh update.
        var fresh = trainers[0].Train(second, Data.Train, 3, default).Wire;
        await fleet.PublishAsync(nodes[2], trainers[1].Train(second, Data.Train, 4, default).Wire);
        await fleet.PublishAsync(nodes[0], recorded);
        await fleet.PublishAsync(nodes[0], fresh);
        await fleet.WaitAcceptedAsync(1);

        Assert.Equal(1, fleet.Service.Coordinator.Accepted);
        Assert.Equal(fresh, fleet.StoredUpdate(second.Round, nodes[0]));
        Assert.Null(fleet.StoredUpdate(second.Round, nodes[1]));
        Assert.Null(fleet.StoredUpdate(second.Round, nodes[2]));
        Assert.Equal(1, fleet.Service.Coordinator.Current.Version);
    }

    [Fact]
    public async Task Node_MissesRounds_CatchesUpFromTheRetainedGlobal()
    {
        var nodes = Nodes(3);
        await using var fleet = await FleetHarness.StartAsync(nodes, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=2", "--EdgeNode:Aggregator:Staleness=Drop");
        var shards = Blobs.Shards(Data.Train, 2, 2);
        var trainers = nodes.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        GlobalHead global = await fleet.WaitGlobalAsync(0);
        var missed = global;
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 2; i++)
            {
                await fleet.PublishAsync(nodes[i], trainers[i].Train(global, shards[i], round, default).Wire);
            }

            global = await fleet.WaitGlobalAsync(round + 1);
        }

        // node2 was offline since v0: an update from that base is refused, and the retained global brings it to v3.
        await fleet.PublishAsync(nodes[2], trainers[2].Train(missed, Data.Train, 9, default).Wire);
        await Task.Delay(300);
        Assert.Equal(0, fleet.Service.Coordinator.Accepted);
        var caughtUp = await fleet.WaitGlobalAsync(3);
        Assert.Equal(3, caughtUp.Version);
        await fleet.PublishAsync(nodes[2], trainers[2].Train(caughtUp, Data.Train, 9, default).Wire);
        await fleet.WaitAcceptedAsync(1);
    }

    [Fact]
    public async Task MaliciousNodes_RejectedOrBounded_GlobalAccuracyUnharmed()
    {
        var honest = Nodes(6);
        string[] evil = ["scaled", "nan", "forger", "stale"];
        await using var fleet = await FleetHarness.StartAsync([.. honest, .. evil], Labels, Dimension, ScalerStatistics.Of(Data.Train).ToScaler());
        using var unregistered = EcdsaSigner.Create();
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=7");
        var shards = Blobs.Shards(Data.Train, 6, 2);
        var trainers = honest.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var global = await fleet.WaitGlobalAsync(0);

        // The same rounds without the attackers, in-process: what the global head must equal.
        var reference = global.ReadHead();
        for (var round = 0; round < 4; round++)
        {
            var layout = TensorLayout.Of(reference);
            var honestDeltas = new List<ContributedDelta>();
            for (var i = 0; i < honest.Length; i++)
            {
                var (wire, update) = trainers[i].Train(global, shards[i], round, default);
                var values = new float[update.ParameterCount];
                DeltaEncoder.Decode(update.Payload.Span, update.Codec, layout, values);
                honestDeltas.Add(new ContributedDelta(update.NodeId, values, update.SampleCount, update.BaseVersion));
                await fleet.PublishAsync(honest[i], wire);
            }

            var dense = honestDeltas[0].Delta;
            var template = new HeadUpdate("x", global.Round, global.Version, 100, 0, DeltaCodec.Dense, dense.Length, Array.Empty<byte>());
            await fleet.PublishAsync("scaled", Malicious(template with { NodeId = "scaled" }, dense, 100f, fleet.Signer("scaled")));
            await fleet.PublishAsync("nan", Malicious(template with { NodeId = "nan" }, dense, float.NaN, fleet.Signer("nan")));
            await fleet.PublishAsync("forger", Malicious(template with { NodeId = "forger" }, dense, 1f, unregistered));
            await fleet.PublishAsync("stale", Malicious(template with { NodeId = "stale", BaseVersion = global.Version + 5 }, dense, 1f, fleet.Signer("stale")));
            HeadDelta.Apply(reference, RobustAggregator.Aggregate(honestDeltas, global.Version, new AggregationOptions()).Delta);
            global = await fleet.WaitGlobalAsync(round + 1);
        }

        var expected = new float[reference.ParameterCount];
        reference.GetParameters(expected);
        var actual = new float[expected.Length];
        global.ReadHead().GetParameters(actual);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 3);
        }

        var accuracy = HeadEvaluator.Accuracy(global.ReadHead(), Data.Test);
        var honestOnly = HeadEvaluator.Accuracy(reference, Data.Test);
        Assert.True(accuracy >= honestOnly - 0.01 && accuracy > 0.6, $"accuracy {accuracy}, honest-only {honestOnly}");
    }

    /// <summary>A dense update whose values are <paramref name="dense"/> × <paramref name="factor"/> (NaN: one value NaN), bypassing the encoder's checks.</summary>
    private static byte[] Malicious(HeadUpdate template, float[] dense, float factor, EcdsaSigner signer)
    {
        var payload = new byte[dense.Length * 4];
        for (var i = 0; i < dense.Length; i++)
        {
            var v = float.IsNaN(factor) ? (i == 3 ? float.NaN : dense[i]) : dense[i] * factor;
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), v);
        }

        return HeadUpdateWire.Write(template with { Codec = DeltaCodec.Dense, Payload = payload }, signer);
    }

    private static float[] FedAvg(HeadUpdate[] updates, int length)
    {
        var result = new float[length];
        var total = updates.Sum(u => (double)u.SampleCount);
        var layout = new[] { Classes * Dimension, Classes };
        var delta = new float[length];
        foreach (var u in updates)
        {
            DeltaEncoder.Decode(u.Payload.Span, u.Codec, layout, delta);
            for (var i = 0; i < length; i++)
            {
                result[i] += (float)(delta[i] * (u.SampleCount / total));
            }
        }

        return result;
    }
}
