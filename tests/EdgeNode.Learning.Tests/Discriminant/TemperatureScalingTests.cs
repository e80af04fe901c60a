using EdgeNode.Learning.Discriminant;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Discriminant;

public sealed class TemperatureScalingTests
{
    [Fact]
    public void Calibrate_OverconfidentHead_LowersEceAndKeepsEveryDecision()
    {
        var (train, test) = Blobs.Make(classes: 4, dimension: 16, trainPerClass: 60, testPerClass: 60, spread: 3f);
        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(train);
        var head = LinearDiscriminant.Fit(statistics);
        head.ScaleLogits(6);
        var before = CalibrationError.Expected(head, test);
        var labels = Labels(head, test);

        var temperature = TemperatureScaling.Calibrate(head, train);

        Assert.True(temperature > 2, $"T = {temperature}");
        Assert.True(CalibrationError.Expected(head, test) < before / 2, $"ECE {CalibrationError.Expected(head, test)} vs {before}");
        Assert.Equal(labels, Labels(head, test));
    }

    [Fact]
    public void TrainCalibrated_Discriminant_SameDecisionsAsPlainFitAndNoWorseEce()
    {
        var (train, test) = Blobs.Make(classes: 5, dimension: 32, trainPerClass: 20, testPerClass: 60, spread: 2.5f);
        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(train);
        var plain = LinearDiscriminant.Fit(statistics);

        var (calibrated, temperature) = HeadFit.TrainCalibrated(HeadKind.Discriminant, train, new TrainingOptions());

        // Gaussian blobs of one shared covariance are the discriminant's own model: its posterior is nearly calibrated already.
        Assert.InRange(temperature, 0.5, 2);
        Assert.Equal(Labels(plain, test), Labels(calibrated, test));
        Assert.True(CalibrationError.Expected(calibrated, test) <= CalibrationError.Expected(plain, test) + 0.02);
    }

    [Fact]
    public void Fit_NoHeldBackSampleOfTheHeadsClasses_IsOne()
    {
        var (train, _) = Blobs.Make(classes: 2, dimension: 8, trainPerClass: 10, testPerClass: 1, spread: 1f);
        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(train);
        var other = new SampleSet(train.Dimension);
        other.Add(train.Row(0), "unknown");

        Assert.Equal(1, TemperatureScaling.Fit(LinearDiscriminant.Fit(statistics), other));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ScaleLogits_NotAPositiveNumber_ThrowsAndChangesNothing(float factor)
    {
        var (train, _) = Blobs.Make(classes: 3, dimension: 8, trainPerClass: 10, testPerClass: 1, spread: 1f);
        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(train);
        var head = LinearDiscriminant.Fit(statistics);
        var before = new float[head.ParameterCount];
        head.GetParameters(before);

        Assert.Throws<ArgumentOutOfRangeException>(() => head.ScaleLogits(factor));

        var after = new float[head.ParameterCount];
        head.GetParameters(after);
        Assert.Equal(before, after);
    }

    private static string[] Labels(HeadModel head, SampleSet data)
    {
        var p = new float[head.Classes.Count];
        return [.. Enumerable.Range(0, data.Count).Select(i => head.Predict(data.Row(i), p).Label)];
    }
}
