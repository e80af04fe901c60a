using System.Collections.Concurrent;
using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Aggregation.Tests;

/// <summary>Issue 20, item 6: global heads are signed by the aggregator, and a node that trusts its key takes no other.</summary>
public sealed class SignedGlobalTests
{
    private const int Dimension = 16;
    private static readonly (SampleSet Train, SampleSet Test) Data = Blobs.Make(4, Dimension, 30, 10, 1.2f);

    [Fact]
    public async Task ForgedGlobalHeads_UnsignedOrSignedByAnotherKey_Ignored_AHugeForgedVersionLocksNothingOut()
    {
        await using var fleet = await FleetHarness.StartAsync(["node0"], [.. Enumerable.Range(0, 4).Select(Blobs.Label)], Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=1");
        var first = await fleet.WaitGlobalAsync(0);
        using var trusted = fleet.AggregatorKeys();
        Assert.Equal("global", first.SignerIn(trusted));
        Assert.Equal(EcdsaSigner.SignatureLength, first.Signature.Length);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var mqtt = new MqttOptions { Host = "127.0.0.1", Port = fleet.Broker.Port, EmbeddedBroker = false };
        await using var bus = new MqttMessageBus(mqtt, new NodeTopics("edgenode", "node0"), "node0", NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        var client = new FederatedClient(bus, "edgenode", FleetHarness.Fleet, "node0", fleet.Signer("node0"), () => Data.Train) { TrustedAggregators = trusted };
        var refused = new ConcurrentQueue<string>();
        client.Failed += (_, ex) => refused.Enqueue(ex.Message);

        // node0 holds v0 until both forgeries were refused. The forgeries are retained: published before node0 has v0,
        // they would replace v0 on the broker, node0 would never train from it and the round would never close.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.GlobalArrived = async (global, cancellationToken) =>
        {
            if (global.Version == 0)
            {
                holding.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
            }
        };
        await client.StartAsync(stop.Token);
        var loops = Task.WhenAll(bus.RunAsync(stop.Token), client.RunAsync(stop.Token));
        await holding.Task.WaitAsync(stop.Token);

        // The forgeries arrive before the aggregator's next head: one unsigned, one signed by a key nobody trusts.
        using var rogue = EcdsaSigner.Create();
        var forged = first with { Version = long.MaxValue / 2, Round = long.MaxValue / 2 };
        await fleet.PublishGlobalAsync(forged.ToBytes());
        await fleet.PublishGlobalAsync(forged.ToBytes(rogue));
        await Eventually.TrueAsync(() => refused.Count >= 2, "both forgeries refused", TimeSpan.FromSeconds(60));
        release.SetResult();

        // node0's update for v0 closes the round; v1 is signed and taken although a "higher" version was seen.
        // Rounds go on closing (MinUpdates=1), so by the time this looks the node may be past v1: any real version counts.
        await Eventually.TrueAsync(() => client.TrainedVersion >= 1, "the real v1 trained from", TimeSpan.FromSeconds(60));
        Assert.All(refused, m => Assert.Contains("not signed by a trusted aggregator key", m, StringComparison.Ordinal));
        Assert.InRange(fleet.Service.Coordinator.Current.Version, 1, long.MaxValue / 4);
        await stop.CancelAsync();
        try
        {
            await loops;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    [Fact]
    public async Task ForgedRetainedGlobalHead_ReplacedByTheAggregator_ANodeComingOnlineLaterReadsTheRealOne()
    {
        await using var fleet = await FleetHarness.StartAsync(["node0"], [.. Enumerable.Range(0, 4).Select(Blobs.Label)], Dimension);
        await fleet.StartAggregatorAsync("--EdgeNode:Aggregator:MinUpdates=1");
        var first = await fleet.WaitGlobalAsync(0);
        using var trusted = fleet.AggregatorKeys();
        using var rogue = EcdsaSigner.Create();

        // No node is online; the forgeries replace v0 as the retained message (RoundSeconds=600: no round closes meanwhile).
        var forged = first with { Version = long.MaxValue / 2, Round = long.MaxValue / 2 };
        foreach (var message in new[] { forged.ToBytes(), forged.ToBytes(rogue), "not a head"u8.ToArray() })
        {
            await fleet.PublishGlobalAsync(message);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            GlobalHead? retained;
            while ((retained = await fleet.ReadGlobalAsync()) is null || retained.SignerIn(trusted) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the retained global head is still not the aggregator's");
            }

            Assert.Equal((0L, first.Sha256), (retained.Version, retained.Sha256));
        }

        Assert.Equal(0, fleet.Service.Coordinator.Current.Version);
    }
}
