using EdgeNode.Learning.Discriminant;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Discriminant;

public sealed class DiscriminantStatisticsTests
{
    [Fact]
    public void Add_TwoOrders_SameStatisticsAndHeadWithin1e9()
    {
        var (train, test) = Blobs.Make(classes: 4, dimension: 24, trainPerClass: 30, testPerClass: 10, spread: 1f);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var reversed = order.Reverse().ToArray();
        new Random(7).Shuffle(order);

        var first = OneByOne(train, order);
        var second = OneByOne(train, reversed);

        AssertSame(first, second, 1e-9);
        var a = LinearDiscriminant.Fit(first);
        var b = LinearDiscriminant.Fit(second);
        AssertSameHead(a, b, 1e-9);
        Assert.True(HeadEvaluator.Accuracy(a, test) > 0.9);
    }

    [Fact]
    public void Add_OneByOne_EqualsBatchFit()
    {
        var (train, _) = Blobs.Make(classes: 3, dimension: 40, trainPerClass: 37, testPerClass: 1, spread: 1f);
        var batch = new DiscriminantStatistics(train.Dimension);
        batch.AddRange(train);

        var single = OneByOne(train, [.. Enumerable.Range(0, train.Count)]);

        AssertSame(batch, single, 1e-9);
        AssertSameHead(LinearDiscriminant.Fit(batch), LinearDiscriminant.Fit(single), 1e-9);
    }

    [Fact]
    public void Add_SumOfShards_EqualsCentralizedFit()
    {
        var (train, _) = Blobs.Make(classes: 6, dimension: 16, trainPerClass: 20, testPerClass: 1, spread: 1f);
        var central = new DiscriminantStatistics(train.Dimension);
        central.AddRange(train);

        var total = new DiscriminantStatistics(train.Dimension);
        foreach (var shard in Blobs.Shards(train, nodes: 5, classesPerNode: 2))
        {
            var node = new DiscriminantStatistics(train.Dimension);
            node.AddRange(shard);
            total.Add(node);
        }

        AssertSame(central, total, 1e-9);
        AssertSameHead(LinearDiscriminant.Fit(central), LinearDiscriminant.Fit(total), 1e-9);
    }

    [Fact]
    public void Add_NaNOrWrongLength_ThrowsAndChangesNothing()
    {
        var (train, _) = Blobs.Make(classes: 2, dimension: 8, trainPerClass: 5, testPerClass: 1, spread: 1f);
        var statistics = new DiscriminantStatistics(8);
        statistics.AddRange(train);
        var before = statistics.Clone();
        var bad = new float[8];
        bad[3] = float.NaN;

        Assert.Throws<ArgumentException>(() => statistics.Add(bad, "class9"));
        Assert.Throws<ArgumentException>(() => statistics.Add(new float[7], "class0"));
        bad[3] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => statistics.Add(bad, "class0"));

        AssertSame(before, statistics, 0);
        Assert.Equal(before.Classes, statistics.Classes);
    }

    [Fact]
    public void AddClass_WithoutSamples_ChangesNoPrediction()
    {
        var (train, test) = Blobs.Make(classes: 3, dimension: 8, trainPerClass: 10, testPerClass: 5, spread: 1f);
        var statistics = new DiscriminantStatistics(8);
        statistics.AddRange(train);
        var before = LinearDiscriminant.Fit(statistics);

        statistics.AddClass("newcomer");
        var after = LinearDiscriminant.Fit(statistics);

        Assert.Equal(before.Classes, after.Classes);
        AssertSameHead(before, after, 0);
        Assert.Equal(HeadEvaluator.Accuracy(before, test), HeadEvaluator.Accuracy(after, test));
    }

    [Fact]
    public void Fit_OneSamplePerClass_IsNearestClassMean()
    {
        var statistics = new DiscriminantStatistics(2);
        statistics.Add([0f, 0f], "a");
        statistics.Add([4f, 2f], "b");

        var head = LinearDiscriminant.Fit(statistics, out var report);

        Assert.Equal(1, report.Shrinkage);
        var probabilities = new float[2];
        Assert.Equal("a", head.Predict([1f, 0.4f], probabilities).Label);
        Assert.Equal("b", head.Predict([3f, 1.7f], probabilities).Label);
    }

    internal static DiscriminantStatistics OneByOne(SampleSet data, int[] order)
    {
        var statistics = new DiscriminantStatistics(data.Dimension);
        foreach (var label in data.Classes)
        {
            statistics.AddClass(label);
        }

        foreach (var i in order)
        {
            statistics.Add(data.Row(i), data.LabelOf(i));
        }

        return statistics;
    }

    internal static void AssertSame(DiscriminantStatistics expected, DiscriminantStatistics actual, double relative)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var label in expected.Classes)
        {
            int e = expected.IndexOf(label), a = actual.IndexOf(label);
            Assert.Equal(expected.CountOf(e), actual.CountOf(a));
            AssertClose(expected.SumOf(e), actual.SumOf(a), relative);
        }

        AssertClose(expected.SecondMoment, actual.SecondMoment, relative);
    }

    internal static void AssertSameHead(HeadModel expected, HeadModel actual, double tolerance)
    {
        Assert.Equal(expected.Classes, actual.Classes);
        Assert.Equal(expected.ParameterCount, actual.ParameterCount);
        for (var i = 0; i < expected.ParameterCount; i++)
        {
            Assert.True(Math.Abs(expected.Parameters[i] - actual.Parameters[i]) <= tolerance * Math.Max(1, Math.Abs(expected.Parameters[i])), $"parameter {i}: {expected.Parameters[i]} vs {actual.Parameters[i]}");
        }

        Assert.Equal(expected.Scaler.Mean, actual.Scaler.Mean);
        Assert.Equal(expected.Scaler.InvStd, actual.Scaler.InvStd);
    }

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
