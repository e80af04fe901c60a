using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class StatisticsNoiseTests
{
    [Fact]
    public void Deviations_SampleUnit_AreANodesShareOfTheNodeUnits()
    {
        var z = StatisticsNoise.MultiplierFor(8);
        var node = StatisticsNoise.Deviations(z, 40, 1);
        var sample = StatisticsNoise.Deviations(z, 1, 1);

        Assert.Equal(node.Sum / 40, sample.Sum, 12);
        Assert.Equal(node.Moment / 40, sample.Moment, 12);
        Assert.True(sample.Sum < sample.Moment, "the class sums take the larger share of the budget");
    }

    [Fact]
    public void Options_SampleUnit_SensitivityIsOneSample()
    {
        var options = new StatisticsRoundOptions { Dimension = 4, MaxSamplesPerNode = 40, ClipNorm = 1, NoiseMultiplier = 1, PrivacyUnit = PrivacyUnit.Sample };

        Assert.Equal(1, options.UnitSamples);
        Assert.Equal(40, (options with { PrivacyUnit = PrivacyUnit.Node }).UnitSamples);
    }

    [Fact]
    public void Fit_KnownMomentNoise_ShrinksMoreAndBeatsTheNoiseBlindFit()
    {
        var (train, test) = Blobs.Make(classes: 4, dimension: 32, trainPerClass: 40, testPerClass: 50, spread: 2f);
        var statistics = new DiscriminantStatistics(train.Dimension);
        for (var i = 0; i < train.Count; i++)
        {
            // Clipped as the DP round clips them.
            var row = train.Row(i).ToArray();
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot<float>(row, row));
            System.Numerics.Tensors.TensorPrimitives.Divide(row, Math.Max(1, norm), row);
            statistics.Add(row, train.LabelOf(i));
        }

        var z = StatisticsNoise.MultiplierFor(8);
        StatisticsNoise.Add(statistics, z, 1, 1, new Random(3));
        var variance = Math.Pow(StatisticsNoise.Deviations(z, 1, 1).Moment, 2);

        var aware = LinearDiscriminant.Fit(statistics, variance, out var awareReport);
        var blind = LinearDiscriminant.Fit(statistics, out var blindReport);

        Assert.True(awareReport.Shrinkage > blindReport.Shrinkage, $"{awareReport.Shrinkage} vs {blindReport.Shrinkage}");
        Assert.True(HeadEvaluator.Accuracy(aware, test) >= HeadEvaluator.Accuracy(blind, test));
        Assert.True(HeadEvaluator.Accuracy(aware, test) > 0.35, $"accuracy {HeadEvaluator.Accuracy(aware, test)} (chance 0.25)");
    }
}
