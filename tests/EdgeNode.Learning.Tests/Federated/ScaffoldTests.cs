using System.Buffers.Binary;
using System.Text;
using EdgeNode.Common;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class ScaffoldTests
{
    [Fact]
    public void Scaffold_NonIidShardsFromAGoodHead_NeverFallsFarBelowItAndEndsNearCentralized()
    {
        var (train, test) = Blobs.Make(5, 24, 60, 40, 1.5f);
        var central = Initial(train);
        HeadTrainer.Train(central, train, new TrainingOptions { RefitScaler = false });
        var centralAccuracy = HeadEvaluator.Accuracy(central, test);

        var parts = Blobs.Shards(train, nodes: 5, classesPerNode: 2);
        using var signer = EcdsaSigner.Create();
        var trainers = parts.Select((_, i) => new FederatedTrainer("n" + i, signer)).ToArray();
        var head = central.Clone();
        var config = new FederatedTrainingConfig { LocalSteps = 10, LearningRate = 0.02f, Scaffold = true };
        var layout = TensorLayout.Of(head);
        var lowest = 1.0;
        for (var round = 0; round < 20; round++)
        {
            var global = GlobalHead.Parse(GlobalHead.Create(head, round, round + 1, DateTimeOffset.UnixEpoch, config).ToBytes());
            Assert.True(global.Config.Scaffold);
            var deltas = new List<ContributedDelta>();
            for (var i = 0; i < parts.Length; i++)
            {
                var update = HeadUpdateWire.Read(trainers[i].Train(global, parts[i], round, default).Wire).Update;
                var delta = new float[update.ParameterCount];
                DeltaEncoder.Decode(update.Payload.Span, update.Codec, layout, delta);
                deltas.Add(new ContributedDelta(update.NodeId, delta, update.SampleCount, update.BaseVersion));
            }

            HeadDelta.Apply(head, RobustAggregator.Aggregate(deltas, round, new AggregationOptions()).Delta);
            lowest = Math.Min(lowest, HeadEvaluator.Accuracy(head, test));
        }

        Assert.True(lowest >= centralAccuracy - 0.05, $"lowest round {lowest} vs centralized {centralAccuracy}");
        Assert.True(HeadEvaluator.Accuracy(head, test) >= 0.95 * centralAccuracy, $"final {HeadEvaluator.Accuracy(head, test)} vs centralized {centralAccuracy}");
    }

    [Fact]
    public void Parse_HeaderWithoutTheNewFields_MeansEpochsAndFedAvg()
    {
        var head = new HeadModel(4);
        head.AddClass("a");
        var bytes = GlobalHead.Create(head, 3, 4, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig { LocalSteps = 9, Dynamic = 0.1f, Scaffold = true }).ToBytes();
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(5));
        var json = Encoding.UTF8.GetString(bytes, 9, length).Replace(",\"localSteps\":9,\"dynamic\":0.1,\"scaffold\":true", string.Empty, StringComparison.Ordinal);
        var header = Encoding.UTF8.GetBytes(json);
        var old = new byte[9 + header.Length + bytes.Length - 9 - length];
        bytes.AsSpan(0, 9).CopyTo(old);
        BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(5), header.Length);
        header.CopyTo(old, 9);
        bytes.AsSpan(9 + length).CopyTo(old.AsSpan(9 + header.Length));

        var config = GlobalHead.Parse(old).Config;

        Assert.DoesNotContain("localSteps", json, StringComparison.Ordinal);
        Assert.Equal((0, 0f, false), (config.LocalSteps, config.Dynamic, config.Scaffold));
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
