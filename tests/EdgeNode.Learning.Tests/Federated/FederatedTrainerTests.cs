using EdgeNode.Common;
using EdgeNode.Testing;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class FederatedTrainerTests
{
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

    private static SampleSet[] TwoClassesEach(SampleSet data, int nodes)
    {
        var parts = Enumerable.Range(0, nodes).Select(_ => new SampleSet(data.Dimension)).ToArray();
        var counters = new int[data.Classes.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var c = data.Targets[i];

            // Class c belongs to nodes c and c−1 (mod nodes): two classes per node.
            var owner = counters[c]++ % 2 == 0 ? c % nodes : (c + nodes - 1) % nodes;
            parts[owner].Add(data.Row(i), data.LabelOf(i));
        }

        return parts;
    }

    [Theory]
    [InlineData("none")]
    [InlineData("int8")]
    [InlineData("topk:0.2")]
    public void FedAvg_NonIidShards_ReachesCentralizedAccuracy(string compression)
    {
        var (train, test) = Blobs.Make(5, 24, 60, 40, 1.5f);
        var central = Initial(train);
        HeadTrainer.Train(central, train, new TrainingOptions { RefitScaler = false });
        var centralAccuracy = HeadEvaluator.Accuracy(central, test);

        var parts = TwoClassesEach(train, 5);
        using var signer = EcdsaSigner.Create();
        var trainers = parts.Select((_, i) => new FederatedTrainer("n" + i, signer)).ToArray();
        var head = Initial(train);
        var config = new FederatedTrainingConfig { Epochs = 3, LearningRate = 0.01f, Compression = compression };
        var layout = TensorLayout.Of(head);
        for (var round = 0; round < 15; round++)
        {
            var global = GlobalHead.Create(head, round, round + 1, DateTimeOffset.UnixEpoch, config);
            var deltas = new List<ContributedDelta>();
            for (var i = 0; i < parts.Length; i++)
            {
                var update = HeadUpdateWire.Read(trainers[i].Train(global, parts[i], round, default).Wire).Update;
                var delta = new float[update.ParameterCount];
                DeltaEncoder.Decode(update.Payload.Span, update.Codec, layout, delta);
                deltas.Add(new ContributedDelta(update.NodeId, delta, update.SampleCount, update.BaseVersion));
            }

            HeadDelta.Apply(head, RobustAggregator.Aggregate(deltas, round, new AggregationOptions()).Delta);
        }

        var accuracy = HeadEvaluator.Accuracy(head, test);
        Assert.True(accuracy >= 0.95 * centralAccuracy, $"federated {accuracy} vs centralized {centralAccuracy}");
    }

    [Fact]
    public void Train_LocalClassNotInFleetHead_Throws()
    {
        var (train, _) = Blobs.Make(3, 8, 10, 1, 1f);
        var head = new HeadModel(8);
        head.AddClass(Blobs.Label(0));
        var global = GlobalHead.Create(head, 0, 1, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig());
        using var signer = EcdsaSigner.Create();
        Assert.Throws<ArgumentException>(() => new FederatedTrainer("n", signer).Train(global, train, 1, default));
    }

    [Fact]
    public void GlobalHead_RoundTrip_AndTamperedHeadRejected()
    {
        var (train, _) = Blobs.Make(3, 8, 10, 1, 1f);
        var global = GlobalHead.Create(Initial(train), 4, 5, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), new FederatedTrainingConfig { Compression = "int8", Proximal = 0.1f });
        var bytes = global.ToBytes();
        var parsed = GlobalHead.Parse(bytes);
        Assert.Equal((4L, 5L, global.Deadline, global.Config, global.Sha256), (parsed.Version, parsed.Round, parsed.Deadline, parsed.Config, parsed.Sha256));
        bytes[^40] ^= 1;
        Assert.Throws<InvalidDataException>(() => GlobalHead.Parse(bytes));
        Assert.Throws<InvalidDataException>(() => GlobalHead.Parse("EDFG"u8.ToArray()));
    }

    [Fact]
    public void ScalerStatistics_Combined_EqualsPooledFit()
    {
        var (train, _) = Blobs.Make(4, 8, 20, 1, 1f);
        var a = train.Where(l => l == Blobs.Label(0) || l == Blobs.Label(1));
        var b = train.Where(l => l == Blobs.Label(2) || l == Blobs.Label(3));
        var combined = ScalerStatistics.Of(a);
        combined.Add(ScalerStatistics.Of(b));
        var pooled = FeatureScaler.Fit(train);
        var fromStats = combined.ToScaler();
        for (var j = 0; j < 8; j++)
        {
            Assert.Equal(pooled.Mean[j], fromStats.Mean[j], 4);
            Assert.Equal(pooled.InvStd[j], fromStats.InvStd[j], 3);
        }
    }
}
