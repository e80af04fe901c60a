using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;

namespace EdgeNode.Aggregation.Tests;

/// <summary>
/// Issue 15: the fleet's validation gate over the refinement rounds, against a real mosquitto. Nodes score the round's head
/// and the fleet head on held-back samples (<see cref="FederatedTrainer"/>), and the aggregator makes the round's head the
/// fleet head only when the pooled validation accuracy is higher.
/// </summary>
public sealed class ValidationGateMqttTests
{
    private const int Dimension = 16;
    private const int Classes = 4;
    private static readonly (SampleSet Train, SampleSet Test) Data = Blobs.Make(Classes, Dimension, 40, 20, 1.2f);
    private static readonly string[] Labels = [.. Enumerable.Range(0, Classes).Select(Blobs.Label)];
    private static readonly string[] NodeIds = ["node0", "node1"];

    private static readonly string[] Refinement =
    [
        "--EdgeNode:Aggregator:StatisticsRound=true",
        "--EdgeNode:Aggregator:MinUpdates=2",
        "--EdgeNode:Aggregator:LocalSteps=40",
        "--EdgeNode:Aggregator:LearningRate=0.05",
    ];

    [Fact]
    public async Task Gate_RefinedHeadsWorseOnValidation_NotAdopted_FleetHeadStaysTheStatisticsHeadBitIdentical()
    {
        // Clean statistics; the refinement trains on labels shifted by one class, so every refined head is worse on validation.
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync(Refinement);
        var v1 = await StatisticsRoundAsync(fleet, Data.Train);
        Assert.True(v1.Config.Gate);
        Assert.True(v1.FleetHeadBytes.IsEmpty);
        var trainers = NodeIds.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var shifted = Relabeled(Data.Train);

        var v2 = await RoundAsync(fleet, trainers, v1, shifted, Data.Test);
        Assert.Equal(1, v2.FleetVersion);
        Assert.True(v2.FleetHeadBytes.Span.SequenceEqual(v1.HeadBytes.Span));

        var v3 = await RoundAsync(fleet, trainers, v2, shifted, Data.Test);
        Assert.True(HeadEvaluator.Accuracy(v2.ReadHead(), Data.Test) < HeadEvaluator.Accuracy(v1.ReadHead(), Data.Test));
        Assert.Equal(1, v3.FleetVersion);
        Assert.True(v3.FleetHeadBytes.Span.SequenceEqual(v1.HeadBytes.Span));
        Assert.NotEqual(v1.Sha256, v3.Sha256);
    }

    [Fact]
    public async Task Gate_RefinedHeadBetterOnValidation_IsAdopted_AsTheFleetHead()
    {
        // Statistics of two samples per class give a poor start; refinement on all the labels beats it on validation.
        var poor = new SampleSet(Dimension);
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Data.Train.Count; i++)
        {
            var label = Data.Train.LabelOf(i);
            if (taken.GetValueOrDefault(label) < 2)
            {
                taken[label] = taken.GetValueOrDefault(label) + 1;
                poor.Add(Data.Train.Row(i), label);
            }
        }

        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync(Refinement);
        var v1 = await StatisticsRoundAsync(fleet, poor);
        var trainers = NodeIds.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var v2 = await RoundAsync(fleet, trainers, v1, Data.Train, Data.Test);
        var v3 = await RoundAsync(fleet, trainers, v2, Data.Train, Data.Test);

        Assert.True(HeadEvaluator.Accuracy(v2.ReadHead(), Data.Test) > HeadEvaluator.Accuracy(v1.ReadHead(), Data.Test));
        Assert.Equal(2, v3.FleetVersion);
        Assert.True(v3.FleetHeadBytes.Span.SequenceEqual(v2.HeadBytes.Span));
    }

    [Fact]
    public async Task Gate_ANodeForgingItsValidationCounts_IsBoundedToMaxNodeSamples_AndImpossibleCountsAreRejectedWithNothingStored()
    {
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension);
        await fleet.StartAggregatorAsync([.. Refinement, "--EdgeNode:Aggregator:MaxNodeSamples=100"]);
        var v1 = await StatisticsRoundAsync(fleet, Data.Train);
        var trainers = NodeIds.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var shifted = Relabeled(Data.Train);
        var v2 = await RoundAsync(fleet, trainers, v1, shifted, Data.Test);

        // node0 scores v2 worse on 100 samples (none right against all); node1 claims a million samples, all right for v2.
        var honest = trainers[0].Train(v2, shifted, 1, default).Update with { Validation = new ValidationScore(100, 0, 100) };
        var forged = trainers[1].Train(v2, shifted, 2, default).Update with { Validation = new ValidationScore(1_000_000, 1_000_000, 0) };
        var impossible = forged with { Validation = new ValidationScore(10, 11, 0) };

        var coordinator = fleet.Service.Coordinator;
        var (outcome, reason) = await coordinator.OfferAsync(HeadUpdateWire.Write(impossible, fleet.Signer(NodeIds[1])), NodeIds[1], default);
        Assert.Equal(UpdateOutcome.Rejected, outcome);
        Assert.Contains("validation counts", reason, StringComparison.Ordinal);
        Assert.Equal(0, coordinator.Accepted);
        Assert.Null(fleet.StoredUpdate(v2.Round, NodeIds[1]));

        // Bounded, node1 weighs as 100 samples (100 against 0): pooled 100/200 against 100/200, not higher, so the fleet keeps v1;
        // unbounded, the forged million would carry v2 (0.9999 against 0.0001).
        await fleet.PublishAsync(NodeIds[0], HeadUpdateWire.Write(honest, fleet.Signer(NodeIds[0])));
        await fleet.PublishAsync(NodeIds[1], HeadUpdateWire.Write(forged, fleet.Signer(NodeIds[1])));
        var v3 = await fleet.WaitGlobalAsync(3);
        Assert.Equal(1, v3.FleetVersion);
        Assert.True(v3.FleetHeadBytes.Span.SequenceEqual(v1.HeadBytes.Span));
    }

    [Fact]
    public async Task Gate_ASiteForwardsItsNodesPooledScores_TheParentAdoptsABetterHead()
    {
        // Without the site's pooled score the parent would have none and keep its blank start head (v0) for ever.
        await using var fleet = await FleetHarness.StartAsync(NodeIds, Labels, Dimension, ScalerStatistics.Of(Data.Train).ToScaler());
        var site = fleet.AddNode("site-a");
        var key = fleet.WritePrivateKey("site-a", site);
        string[] refine = ["--EdgeNode:Aggregator:LocalSteps=40", "--EdgeNode:Aggregator:LearningRate=0.05"];
        await fleet.StartAggregatorAsync([.. refine, "--EdgeNode:Aggregator:MinUpdates=1"]);
        await fleet.StartOtherAggregatorAsync("site", "site-a", [.. refine, "--EdgeNode:Aggregator:MinUpdates=2", "--EdgeNode:Aggregator:ParentFleet=" + FleetHarness.Fleet, "--EdgeNode:Aggregator:SigningKeyPath=" + key]);
        var trainers = NodeIds.Select(n => new FederatedTrainer(n, fleet.Signer(n))).ToArray();
        var global = await fleet.WaitGlobalAsync(0, fleet: "site");
        var v0 = global;
        GlobalHead? v1 = null;
        for (var version = 1; version <= 2; version++)
        {
            var parts = Halves(Data.Train);
            var held = Halves(Data.Test);
            for (var i = 0; i < trainers.Length; i++)
            {
                await fleet.PublishAsync(NodeIds[i], trainers[i].Train(global, parts[i], i + 1, default, held[i]).Wire, "site");
            }

            global = await fleet.WaitGlobalAsync(version, fleet: "site");
            v1 ??= global;
        }

        Assert.True(global.Config.Gate);
        Assert.Equal(2, global.Version);
        Assert.Equal(1, global.FleetVersion);
        Assert.True(global.FleetHeadBytes.Span.SequenceEqual(v1!.HeadBytes.Span));
        Assert.True(HeadEvaluator.Accuracy(global.ReadFleetHead(), Data.Test) > HeadEvaluator.Accuracy(v0.ReadHead(), Data.Test));
    }

    private static async Task<GlobalHead> StatisticsRoundAsync(FleetHarness fleet, SampleSet data)
    {
        var v0 = await fleet.WaitGlobalAsync(0);
        var halves = Halves(data);
        for (var i = 0; i < NodeIds.Length; i++)
        {
            await fleet.PublishAsync(NodeIds[i], StatisticsContribution.Write(NodeIds[i], v0.Round, v0.Version, StatisticsContribution.Of(halves[i]), fleet.Signer(NodeIds[i])));
        }

        return await fleet.WaitGlobalAsync(1);
    }

    /// <summary>One refinement round: each node trains on its half of <paramref name="train"/> and scores on its half of <paramref name="validation"/>.</summary>
    private static async Task<GlobalHead> RoundAsync(FleetHarness fleet, FederatedTrainer[] trainers, GlobalHead global, SampleSet train, SampleSet validation)
    {
        var parts = Halves(train);
        var held = Halves(validation);
        for (var i = 0; i < trainers.Length; i++)
        {
            var (wire, update) = trainers[i].Train(global, parts[i], i + 1, default, held[i]);
            Assert.Equal(held[i].Count, update.Validation!.Value.Total);
            await fleet.PublishAsync(NodeIds[i], wire);
        }

        return await fleet.WaitGlobalAsync(global.Version + 1);
    }

    private static SampleSet[] Halves(SampleSet data)
    {
        SampleSet[] halves = [new(data.Dimension), new(data.Dimension)];
        for (var i = 0; i < data.Count; i++)
        {
            halves[i % 2].Add(data.Row(i), data.LabelOf(i));
        }

        return halves;
    }

    private static SampleSet Relabeled(SampleSet data)
    {
        var shifted = new SampleSet(data.Dimension);
        for (var i = 0; i < data.Count; i++)
        {
            shifted.Add(data.Row(i), Labels[(Array.IndexOf(Labels, data.LabelOf(i)) + 1) % Classes]);
        }

        return shifted;
    }
}
