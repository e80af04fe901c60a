using EdgeNode.Testing;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation.Tests;

/// <summary>A site aggregator forwarding its partial aggregate to a parent, against a real mosquitto.</summary>
public sealed class HierarchyTests
{
    private static readonly string[] NodeIds = ["n0", "n1"];

    [Fact]
    public async Task Site_ForwardsPartialAggregate_ParentGlobalIsFleetWideFedAvg()
    {
        var (train, _) = Blobs.Make(4, 16, 30, 1, 1.2f);
        string[] labels = [.. Enumerable.Range(0, 4).Select(Blobs.Label)];
        await using var fleet = await FleetHarness.StartAsync(NodeIds, labels, 16, ScalerStatistics.Of(train).ToScaler());
        var site = fleet.AddNode("site-a");
        var key = fleet.WritePrivateKey("site-a", site);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=1");
        await fleet.StartOtherAggregatorAsync("site", "site-a", "--EdgeNode:Aggregator:MinUpdates=2", "--EdgeNode:Aggregator:ParentFleet=" + FleetHarness.Fleet, "--EdgeNode:Aggregator:SigningKeyPath=" + key);
        var start = await fleet.WaitGlobalAsync(0, fleet: "site");
        var shards = Blobs.Shards(train, 2, 2);
        var updates = NodeIds.Select((n, i) => new FederatedTrainer(n, fleet.Signer(n)).Train(start, shards[i], i, default)).ToArray();
        foreach (var (node, (wire, _)) in NodeIds.Zip(updates))
        {
            await fleet.PublishAsync(node, wire, "site");
        }

        var parent = await fleet.WaitGlobalAsync(1);
        var siteGlobal = await fleet.WaitGlobalAsync(1, fleet: "site");
        Assert.Equal(parent.Sha256, siteGlobal.Sha256);

        var head = start.ReadHead();
        var layout = TensorLayout.Of(head);
        var deltas = updates.Select(u =>
        {
            var values = new float[u.Update.ParameterCount];
            DeltaEncoder.Decode(u.Update.Payload.Span, u.Update.Codec, layout, values);
            return new ContributedDelta(u.Update.NodeId, values, u.Update.SampleCount, 0);
        }).ToList();
        HeadDelta.Apply(head, RobustAggregator.Aggregate(deltas, 0, new AggregationOptions()).Delta);
        var expected = new float[head.ParameterCount];
        head.GetParameters(expected);
        var actual = new float[expected.Length];
        parent.ReadHead().GetParameters(actual);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }
    }
}
