namespace EdgeNode.Learning.Discriminant;

/// <summary>Expected calibration error: how far a head's top-class confidence is from its accuracy, averaged over confidence bins.</summary>
public static class CalibrationError
{
    /// <summary>ECE with <paramref name="bins"/> equal-width bins of the top-class probability (Guo et al. 2017); 0 for an empty set.</summary>
    public static double Expected(HeadModel head, SampleSet data, int bins = 15)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (data.Count == 0 || head.Classes.Count == 0)
        {
            return 0;
        }

        var confidence = new double[bins];
        var correct = new double[bins];
        var count = new int[bins];
        var probabilities = new float[head.Classes.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var p = head.Predict(data.Row(i), probabilities);
            var bin = Math.Min(bins - 1, (int)(p.Confidence * bins));
            confidence[bin] += p.Confidence;
            correct[bin] += string.Equals(p.Label, data.LabelOf(i), StringComparison.Ordinal) ? 1 : 0;
            count[bin]++;
        }

        double error = 0;
        for (var b = 0; b < bins; b++)
        {
            error += Math.Abs(correct[b] - confidence[b]) / data.Count;
        }

        return error;
    }
}
