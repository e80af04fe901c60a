using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class RobustAggregatorTests
{
    private static ContributedDelta D(string node, float value, int samples = 10, long baseVersion = 5, int length = 4)
    {
        var delta = new float[length];
        Array.Fill(delta, value);
        return new ContributedDelta(node, delta, samples, baseVersion);
    }

    [Fact]
    public void FedAvg_WeightsBySampleCount()
    {
        var result = RobustAggregator.Aggregate([D("a", 1f, 30), D("b", 2f, 10)], 5, new AggregationOptions());
        Assert.All(result.Delta, v => Assert.Equal(1.25f, v, 5));
        Assert.Equal(40, result.TotalSamples);
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void NormOutlier_ScaledByHundred_Rejected()
    {
        var result = RobustAggregator.Aggregate([D("a", 1f), D("b", 1.1f), D("c", 0.9f), D("evil", 100f)], 5, new AggregationOptions());
        Assert.Contains(("evil", "norm outlier"), result.Rejected);
        Assert.All(result.Delta, v => Assert.InRange(v, 0.9f, 1.1f));
    }

    [Theory]
    [InlineData(AggregationRule.Median)]
    [InlineData(AggregationRule.TrimmedMean)]
    public void RobustRules_OneHugeValue_Bounded(AggregationRule rule)
    {
        var options = new AggregationOptions { Rule = rule, NormOutlierFactor = 0, TrimFraction = 0.2 };
        var result = RobustAggregator.Aggregate([D("a", 1f), D("b", 2f), D("c", 3f), D("d", 4f), D("evil", 1e6f)], 5, options);
        Assert.All(result.Delta, v => Assert.InRange(v, 2f, 4f));
    }

    [Fact]
    public void NaNShapeAndNoSamples_Rejected()
    {
        var nan = D("nan", 1f);
        nan.Delta[2] = float.NaN;
        var result = RobustAggregator.Aggregate([D("a", 1f), nan, D("shape", 1f, length: 5), D("empty", 1f, samples: 0)], 5, new AggregationOptions());
        Assert.Equal(["a"], result.Used);
        Assert.Contains(("nan", "not finite"), result.Rejected);
        Assert.Contains(("shape", "shape"), result.Rejected);
        Assert.Contains(("empty", "no samples"), result.Rejected);
    }

    [Fact]
    public void Staleness_WeightedOrDropped()
    {
        var weighted = RobustAggregator.Aggregate([D("fresh", 1f, 10, 5), D("late", 4f, 30, 2)], 5, new AggregationOptions { StalenessExponent = 1 });

        // The late update has weight 30 / (1 + 3) = 7.5 against 10.
        Assert.Equal((10f + (7.5f * 4f)) / 17.5f, weighted.Delta[0], 4);
        var dropped = RobustAggregator.Aggregate([D("fresh", 1f, 10, 5), D("late", 4f, 30, 4)], 5, new AggregationOptions { Staleness = StalenessPolicy.Drop });
        Assert.Equal(["fresh"], dropped.Used);
        var tooOld = RobustAggregator.Aggregate([D("old", 1f, 10, 1), D("future", 1f, 10, 6)], 5, new AggregationOptions { MaxStaleness = 3 });
        Assert.Empty(tooOld.Used);
    }

    [Fact]
    public void MaxNorm_BoundsEachContribution()
    {
        var result = RobustAggregator.Aggregate([D("a", 0f), D("evil", 100f)], 5, new AggregationOptions { MaxNorm = 2 });

        // The evil delta (norm 200) is scaled to norm 2 (each value 1), then averaged with zero.
        Assert.All(result.Delta, v => Assert.Equal(0.5f, v, 5));
    }

    [Fact]
    public void DifferentialPrivacy_ClipsAndAddsNoiseOfTheConfiguredStd()
    {
        var deltas = Enumerable.Range(0, 10).Select(i => new ContributedDelta("n" + i, new float[20_000], 10, 5)).ToList();
        deltas[0].Delta[0] = 1000f;
        var options = new AggregationOptions { DpClipNorm = 1, DpNoiseMultiplier = 2, NormOutlierFactor = 0 };
        var result = RobustAggregator.Aggregate(deltas, 5, options, new Random(1));

        // Sum of clipped deltas + N(0, (z·C)²), divided by 10 clients: std 0.2 per coordinate.
        var values = result.Delta.Skip(1).ToArray();
        var std = Math.Sqrt(values.Average(v => (double)v * v));
        Assert.InRange(std, 0.19, 0.21);
        Assert.InRange(result.Delta[0], 0.1f - 1f, 0.1f + 1f);
    }

    [Fact]
    public void Clip_LongVector_ScaledToBound()
    {
        var v = new float[] { 3, 4 };
        Assert.Equal(0.2f, RobustAggregator.Clip(v, 1), 5);
        Assert.Equal(0.6f, v[0], 5);
        Assert.Equal(0.8f, v[1], 5);
    }

    [Fact]
    public void FedAvg_SampleCountIntMaxWithA2point9xDelta_CannotSteerTheHead()
    {
        // Four honest nodes agree (+1 on every weight); the attacker claims int.MaxValue samples and sends -2.9: under
        // the 3x norm screen, and without a bound its weight would be ~1, the head moved by -2.9.
        ContributedDelta[] round = [D("a", 1f, 100), D("b", 1.05f, 120), D("c", 0.95f, 80), D("d", 1f, 100), D("evil", -2.9f, int.MaxValue)];

        var result = RobustAggregator.Aggregate(round, 5, new AggregationOptions());

        Assert.Empty(result.Rejected);
        // Capped at the median count (100): (100·1 + 100·1.05 + 80·0.95 + 100·1 − 100·2.9) / 480 = 0.19, still the honest direction.
        Assert.All(result.Delta, v => Assert.Equal(91f / 480, v, 4));
        Assert.Equal(100 + 100 + 80 + 100 + 100, result.TotalSamples);
        var unbounded = RobustAggregator.Aggregate(round, 5, new AggregationOptions { SampleCountCap = 0 });
        Assert.All(unbounded.Delta, v => Assert.True(v < -2.8f, v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
