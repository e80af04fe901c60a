using System.Buffers.Binary;
using System.Collections.Concurrent;
using EdgeNode.Learning;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Aggregation.Tests;

/// <summary>Issue 15, item 2: the aggregator host's one-round statistics round, against a real mosquitto.</summary>
public sealed class StatisticsRoundMqttTests
{
    private const int Dimension = 16;
    private const int Classes = 4;
    private static readonly (SampleSet Train, SampleSet Test) Data = Blobs.Make(Classes, Dimension, 40, 20, 1.2f);
    private static readonly string[] Labels = [.. Enumerable.Range(0, Classes).Select(Blobs.Label)];
    private static readonly string[] NodeIds = ["node0", "node1", "node2"];

    [Fact]
    public async Task StatisticsRound_ThreeNodesWithOtherClasses_GlobalIsTheCentralDiscriminantOfTheUnion()
    {
        // node0 and node2 hold classes 0 and 1 (split between them), node1 classes 2 and 3.
        var shards = Blobs.Shards(Data.Train, 3, 2);
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=3");
        var first = await fleet.WaitGlobalAsync(0);
        Assert.True(first.Config.Statistics);

        // Three real node loops (FederatedClient, as FederatedService runs it): each sees v0 announce the statistics round.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var trusted = fleet.AggregatorKeys();
        var heads = new ConcurrentDictionary<(string Node, long Version), GlobalHead>();
        var buses = new List<MqttMessageBus>();
        var loops = new List<Task>();
        var clients = new List<FederatedClient>();
        for (var i = 0; i < NodeIds.Length; i++)
        {
            var node = NodeIds[i];
            var shard = shards[i];
            var mqtt = new MqttOptions { Host = "127.0.0.1", Port = fleet.Broker.Port, EmbeddedBroker = false };
            var bus = new MqttMessageBus(mqtt, new NodeTopics("edgenode", node), node, NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
            var client = new FederatedClient(bus, "edgenode", FleetHarness.Fleet, node, fleet.Signer(node), () => shard) { TrustedAggregators = trusted };
            client.GlobalArrived = (global, _) =>
            {
                heads[(node, global.Version)] = global;
                return Task.CompletedTask;
            };
            await client.StartAsync(stop.Token);
            buses.Add(bus);
            clients.Add(client);
            loops.Add(bus.RunAsync(stop.Token));
            loops.Add(client.RunAsync(stop.Token));
        }

        try
        {
            await UntilAsync(() => NodeIds.All(n => heads.ContainsKey((n, 1))), "every node received v1", stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(loops);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            foreach (var bus in buses)
            {
                await bus.DisposeAsync();
            }
        }

        // v1, as every node took it: the discriminant of the summed statistics, a gradient round next.
        var v1 = heads[(NodeIds[0], 1)];
        Assert.All(NodeIds, n => Assert.Equal(v1.Sha256, heads[(n, 1)].Sha256));
        Assert.False(v1.Config.Statistics);
        Assert.Equal(2, v1.Round);
        var central = new DiscriminantStatistics(Dimension);
        foreach (var label in Labels)
        {
            central.AddClass(label);
        }

        central.AddRange(Data.Train);
        AssertSameHead(LinearDiscriminant.Fit(central), v1.ReadHead(), 1e-6);
        Assert.All(clients, c => Assert.True(c.BytesSent > 0));
    }

    [Fact]
    public async Task StatisticsRound_ANodeWithAStatisticsSource_SendsThem_NotThoseOfItsFewStoredSamples()
    {
        // As the node's ledger: the statistics of every label, while the store (the reservoir) keeps a few.
        var stored = new SampleSet(Dimension);
        for (var i = 0; i < 8; i++)
        {
            stored.Add(Data.Train.Row(i), Data.Train.LabelOf(i));
        }

        var ledger = Sum(StatisticsContribution.Of(Data.Train));
        await using var fleet = await FleetHarness.StartAsync(NodeIds[..1], Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=1");
        await fleet.WaitGlobalAsync(0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var mqtt = new MqttOptions { Host = "127.0.0.1", Port = fleet.Broker.Port, EmbeddedBroker = false };
        await using var bus = new MqttMessageBus(mqtt, new NodeTopics("edgenode", NodeIds[0]), NodeIds[0], NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        using var trusted = fleet.AggregatorKeys();
        var v1 = new TaskCompletionSource<GlobalHead>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new FederatedClient(bus, "edgenode", FleetHarness.Fleet, NodeIds[0], fleet.Signer(NodeIds[0]), () => stored)
        {
            TrustedAggregators = trusted,
            Statistics = (_, _) => ValueTask.FromResult<DiscriminantStatistics?>(ledger.Clone()),
            GlobalArrived = (global, _) =>
            {
                if (global.Version == 1)
                {
                    v1.TrySetResult(global);
                }

                return Task.CompletedTask;
            },
        };
        await client.StartAsync(stop.Token);
        var loops = Task.WhenAll(bus.RunAsync(stop.Token), client.RunAsync(stop.Token));
        var head = (await v1.Task.WaitAsync(stop.Token)).ReadHead();
        await stop.CancelAsync();
        try
        {
            await loops;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        AssertSameHead(LinearDiscriminant.Fit(ledger), head, 1e-6);
    }

    [Fact]
    public async Task StatisticsRound_ANodeForgingItsCountsTimesAThousand_IsBoundedToMaxNodeSamples()
    {
        var shards = Blobs.Shards(Data.Train, 3, 2);
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=3", "--EdgeNode:Aggregator:MaxNodeSamples=100");
        var global = await fleet.WaitGlobalAsync(0);
        var statistics = shards.Select(s => StatisticsContribution.Of(s)).ToArray();

        // node2 claims 1000 times its samples (counts, sums and second moment alike, so the update is self-consistent).
        var forged = statistics[2].Clone();
        forged.Scale(1000);
        Assert.True(forged.Count > 100);
        for (var i = 0; i < 3; i++)
        {
            await fleet.PublishAsync(NodeIds[i], StatisticsContribution.Write(NodeIds[i], global.Round, global.Version, i == 2 ? forged : statistics[i], fleet.Signer(NodeIds[i])));
        }

        var next = (await fleet.WaitGlobalAsync(1)).ReadHead();

        // Expected: node2 weighs as 100 samples (its means and covariance kept), not 1000× its count.
        var bounded = statistics[2].Clone();
        bounded.Scale(100 / statistics[2].Count);
        var expected = Sum(statistics[0], statistics[1], bounded);
        AssertSameHead(LinearDiscriminant.Fit(expected), next, 1e-6);
        var unbounded = LinearDiscriminant.Fit(Sum(statistics[0], statistics[1], forged));
        Assert.True(MaxRelativeDifference(unbounded, next) > 1e-3);
    }

    [Fact]
    public async Task StatisticsRound_NaNInfOrWrongDimension_Rejected_NothingChanged_TheGoodOnesThenSumExactly()
    {
        var shards = Blobs.Shards(Data.Train, 3, 2);
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=3");
        var global = await fleet.WaitGlobalAsync(0);
        var coordinator = fleet.Service.Coordinator;
        var statistics = shards.Select(s => StatisticsContribution.Of(s)).ToArray();

        var nan = Patched(statistics[0], NodeIds[0], global, fleet, (payload, labelBytes) => BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(14 + 2 + labelBytes + 8), float.NaN));
        var inf = Patched(statistics[1], NodeIds[1], global, fleet, (payload, _) => BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(payload.Length - 4), float.PositiveInfinity));
        var narrow = new SampleSet(Dimension / 2);
        narrow.Add(new float[Dimension / 2], Labels[0]);
        var wrongDimension = StatisticsContribution.Write(NodeIds[2], global.Round, global.Version, StatisticsContribution.Of(narrow), fleet.Signer(NodeIds[2]));
        var delta = new FederatedTrainer(NodeIds[2], fleet.Signer(NodeIds[2])).Train(global with { Config = global.Config with { Statistics = false } }, shards[2], 1, default).Wire;
        (byte[] Wire, string Node, string Reason)[] bad =
        [
            (nan, NodeIds[0], "non-finite"),
            (inf, NodeIds[1], "NaN or infinite"),
            (wrongDimension, NodeIds[2], "dimension 8"),
            (delta, NodeIds[2], "not a statistics update"),
        ];
        foreach (var (wire, node, reason) in bad)
        {
            var (outcome, why) = await coordinator.OfferAsync(wire, node, default);
            Assert.Equal(UpdateOutcome.Rejected, outcome);
            Assert.Contains(reason, why, StringComparison.Ordinal);
            Assert.Equal(0, coordinator.Accepted);
            Assert.Null(fleet.StoredUpdate(global.Round, node));
            Assert.Equal(0, coordinator.Current.Version);
        }

        // The same nodes' good statistics, over MQTT: nothing of the rejected ones is in the sum.
        for (var i = 0; i < 3; i++)
        {
            await fleet.PublishAsync(NodeIds[i], StatisticsContribution.Write(NodeIds[i], global.Round, global.Version, statistics[i], fleet.Signer(NodeIds[i])));
        }

        var next = (await fleet.WaitGlobalAsync(1)).ReadHead();
        AssertSameHead(LinearDiscriminant.Fit(Sum(statistics)), next, 1e-6);
    }

    [Fact]
    public async Task StatisticsRound_ASiteForwardsItsSum_ParentGlobalIsTheDiscriminantOfAllNodes()
    {
        // n0 and n1 report to the site, n2 straight to the parent: site sums are sums.
        var shards = Blobs.Shards(Data.Train, 3, 2);
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        var site = fleet.AddNode("site-a");
        var key = fleet.WritePrivateKey("site-a", site);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=2");
        await fleet.StartOtherAggregatorAsync("site", "site-a", "--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=2", "--EdgeNode:Aggregator:ParentFleet=" + FleetHarness.Fleet, "--EdgeNode:Aggregator:SigningKeyPath=" + key);
        var start = await fleet.WaitGlobalAsync(0, fleet: "site");
        var statistics = shards.Select(s => StatisticsContribution.Of(s)).ToArray();
        for (var i = 0; i < 2; i++)
        {
            await fleet.PublishAsync(NodeIds[i], StatisticsContribution.Write(NodeIds[i], start.Round, start.Version, statistics[i], fleet.Signer(NodeIds[i])), "site");
        }

        var top = await fleet.WaitGlobalAsync(0);
        await fleet.PublishAsync(NodeIds[2], StatisticsContribution.Write(NodeIds[2], top.Round, top.Version, statistics[2], fleet.Signer(NodeIds[2])));
        var parent = await fleet.WaitGlobalAsync(1);
        var siteGlobal = await fleet.WaitGlobalAsync(1, fleet: "site");
        Assert.Equal(parent.Sha256, siteGlobal.Sha256);
        AssertSameHead(LinearDiscriminant.Fit(Sum(statistics)), parent.ReadHead(), 1e-6);
    }

    [Fact]
    public async Task StatisticsRound_AggregatorRestartedMidRound_KeepsTheStoredStatistics_AResendCountsOnce()
    {
        var shards = Blobs.Shards(Data.Train, 3, 2);
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        string[] settings = ["--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:MinUpdates=3"];
        await fleet.StartAggregatorAsync(settings);
        var global = await fleet.WaitGlobalAsync(0);
        var wires = shards.Select((s, i) => StatisticsContribution.Write(NodeIds[i], global.Round, global.Version, StatisticsContribution.Of(s), fleet.Signer(NodeIds[i]))).ToArray();
        await fleet.PublishAsync(NodeIds[0], wires[0]);
        await fleet.PublishAsync(NodeIds[1], wires[1]);
        await fleet.WaitAcceptedAsync(2);

        await fleet.StopAggregatorAsync();
        await fleet.StartAggregatorAsync(settings);
        Assert.Equal(2, fleet.Service.Coordinator.Accepted);
        Assert.True(fleet.Service.Coordinator.Current.Config.Statistics);
        await fleet.PublishAsync(NodeIds[1], wires[1]);
        await fleet.PublishAsync(NodeIds[2], wires[2]);
        var next = (await fleet.WaitGlobalAsync(1)).ReadHead();
        AssertSameHead(LinearDiscriminant.Fit(Sum([.. shards.Select(s => StatisticsContribution.Of(s))])), next, 1e-6);
    }

    private static byte[] Patched(DiscriminantStatistics statistics, string node, GlobalHead global, FleetHarness fleet, Action<byte[], int> patch)
    {
        var update = StatisticsContribution.Update(node, global.Round, global.Version, statistics);
        var payload = update.Payload.ToArray();
        patch(payload, System.Text.Encoding.UTF8.GetByteCount(statistics.Classes[0]));
        return HeadUpdateWire.Write(update with { Payload = payload }, fleet.Signer(node));
    }

    private static DiscriminantStatistics Sum(params DiscriminantStatistics[] parts)
    {
        var total = new DiscriminantStatistics(Dimension);
        foreach (var label in Labels)
        {
            total.AddClass(label);
        }

        foreach (var part in parts)
        {
            total.Add(part);
        }

        return total;
    }

    /// <summary>Same classes in the same order, and the same scaler and parameters to <paramref name="relative"/> of their largest magnitude.</summary>
    private static void AssertSameHead(HeadModel expected, HeadModel actual, double relative)
    {
        Assert.Equal(expected.Classes, actual.Classes);
        var difference = MaxRelativeDifference(expected, actual);
        Assert.True(difference <= relative, $"the heads differ by {difference:G3} relative (bound {relative:G3})");
    }

    private static double MaxRelativeDifference(HeadModel expected, HeadModel actual)
    {
        static double Of(ReadOnlySpan<float> e, ReadOnlySpan<float> a)
        {
            double scale = 0, worst = 0;
            for (var i = 0; i < e.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(e[i]));
                worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
            }

            return worst / Math.Max(scale, double.Epsilon);
        }

        var e = new float[expected.ParameterCount];
        var a = new float[actual.ParameterCount];
        expected.GetParameters(e);
        actual.GetParameters(a);
        return Math.Max(Of(e, a), Math.Max(Of(expected.Scaler.Mean, actual.Scaler.Mean), Of(expected.Scaler.InvStd, actual.Scaler.InvStd)));
    }

    private static async Task UntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            Assert.False(cancellationToken.IsCancellationRequested, "timed out waiting for: " + what);
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
