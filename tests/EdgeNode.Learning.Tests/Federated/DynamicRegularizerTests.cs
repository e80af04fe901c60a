using EdgeNode.Common;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class DynamicRegularizerTests
{
    [Fact]
    public void Correct_TwoRounds_FollowsFedDynServerRule()
    {
        var regularizer = new DynamicRegularizer();
        float[] first = [1f, -2f];
        regularizer.Correct(first, 0.5f);

        // h = −α·Δ̄ = (−0.5, 1); step = Δ̄ − h/α = (2, −4).
        Assert.Equal([2f, -4f], first);

        float[] second = [1f, 0f];
        regularizer.Correct(second, 0.5f);

        // h = (−0.5, 1) − 0.5·(1, 0) = (−1, 1); step = (1, 0) − (−2, 2) = (3, −2).
        Assert.Equal([3f, -2f], second);
    }

    [Fact]
    public void Correct_NonPositiveAlpha_ThrowsAndChangesNothing()
    {
        var regularizer = new DynamicRegularizer();
        float[] delta = [1f, 2f];

        Assert.Throws<ArgumentOutOfRangeException>(() => regularizer.Correct(delta, 0f));
        Assert.Equal([1f, 2f], delta);
    }

    [Fact]
    public void FedDyn_NonIidShardsFixedSteps_ReachesCentralizedAccuracy()
    {
        var (train, test) = Blobs.Make(5, 24, 60, 40, 1.5f);
        var central = Initial(train);
        HeadTrainer.Train(central, train, new TrainingOptions { RefitScaler = false });
        var centralAccuracy = HeadEvaluator.Accuracy(central, test);

        var parts = Blobs.Shards(train, nodes: 5, classesPerNode: 2);
        using var signer = EcdsaSigner.Create();
        var trainers = parts.Select((_, i) => new FederatedTrainer("n" + i, signer)).ToArray();
        var head = Initial(train);
        var config = new FederatedTrainingConfig { LocalSteps = 10, LearningRate = 0.01f, Dynamic = 0.01f };
        var layout = TensorLayout.Of(head);
        var regularizer = new DynamicRegularizer();
        for (var round = 0; round < 20; round++)
        {
            var global = GlobalHead.Parse(GlobalHead.Create(head, round, round + 1, DateTimeOffset.UnixEpoch, config).ToBytes());
            Assert.Equal(10, global.Config.LocalSteps);
            Assert.Equal(0.01f, global.Config.Dynamic);
            var deltas = new List<ContributedDelta>();
            for (var i = 0; i < parts.Length; i++)
            {
                var update = HeadUpdateWire.Read(trainers[i].Train(global, parts[i], round, default).Wire).Update;
                var delta = new float[update.ParameterCount];
                DeltaEncoder.Decode(update.Payload.Span, update.Codec, layout, delta);
                deltas.Add(new ContributedDelta(update.NodeId, delta, update.SampleCount, update.BaseVersion));
            }

            var step = RobustAggregator.Aggregate(deltas, round, new AggregationOptions()).Delta;
            regularizer.Correct(step, config.Dynamic);
            HeadDelta.Apply(head, step);
        }

        var accuracy = HeadEvaluator.Accuracy(head, test);
        Assert.True(accuracy >= 0.95 * centralAccuracy, $"federated {accuracy} vs centralized {centralAccuracy}");
    }

    private static HeadModel Initial(SampleSet data)
    {
        var head = new HeadModel(data.Dimension);
        foreach (var label in data.Classes.Order(StringComparer.Ordinal))
        {
            head.AddClass(label);
        }

        head.Restandardize(ScalerStatistics.Of(data).ToScaler());
        return head;
    }
}
