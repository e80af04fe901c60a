namespace EdgeNode.Compression.Calibration;

/// <summary>Clipping thresholds from a histogram of absolute values over [0, absMax].</summary>
internal static class HistogramThresholds
{
    private const int Stride = 4;

    public static float Percentile(double[] histogram, float absMax, double percentile)
    {
        var total = histogram.Sum();
        if (total <= 0 || absMax <= 0)
        {
            return absMax;
        }

        var target = total * percentile / 100.0;
        double cumulative = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            cumulative += histogram[i];
            if (cumulative >= target)
            {
                return absMax * (i + 1) / histogram.Length;
            }
        }

        return absMax;
    }

    /// <summary>
    /// The TensorRT-style KL threshold: for each candidate bin count i ≥ levels, the reference
    /// distribution is the first i bins with the tail folded into the last one; the candidate is that
    /// distribution squeezed into <paramref name="levels"/> levels and expanded back over the non-empty bins.
    /// </summary>
    public static float Entropy(double[] histogram, float absMax, int levels)
    {
        var bins = histogram.Length;
        if (absMax <= 0 || histogram.Sum() <= 0 || bins <= levels)
        {
            return absMax;
        }

        var reference = new double[bins];
        var candidate = new double[bins];
        var best = bins;
        var bestDivergence = double.MaxValue;
        var prefix = new double[bins + 1];
        for (var j = 0; j < bins; j++)
        {
            prefix[j + 1] = prefix[j] + histogram[j];
        }

        // Candidates every Stride bins: the threshold moves by under 0.2 % of the range per step.
        for (var i = levels; i <= bins; i += Stride)
        {
            histogram.AsSpan(0, i).CopyTo(reference);
            reference[i - 1] += prefix[bins] - prefix[i];

            Squeeze(histogram, i, levels, candidate);
            var divergence = KullbackLeibler(reference.AsSpan(0, i), candidate.AsSpan(0, i));
            if (divergence < bestDivergence)
            {
                bestDivergence = divergence;
                best = i;
            }
        }

        return absMax * best / bins;
    }

    private static void Squeeze(double[] histogram, int length, int levels, double[] expanded)
    {
        var width = (double)length / levels;
        for (var level = 0; level < levels; level++)
        {
            var start = (int)Math.Round(level * width);
            var end = level == levels - 1 ? length : (int)Math.Round((level + 1) * width);
            double sum = 0;
            var nonEmpty = 0;
            for (var j = start; j < end; j++)
            {
                sum += histogram[j];
                nonEmpty += histogram[j] > 0 ? 1 : 0;
            }

            for (var j = start; j < end; j++)
            {
                expanded[j] = histogram[j] > 0 ? sum / nonEmpty : 0;
            }
        }
    }

    private static double KullbackLeibler(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sumP = 0, sumQ = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sumP += p[i];
            sumQ += q[i];
        }

        if (sumP <= 0 || sumQ <= 0)
        {
            return double.MaxValue;
        }

        double divergence = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0)
            {
                continue;
            }

            var pi = p[i] / sumP;

            // A level the candidate leaves empty where the reference has mass: smooth instead of ∞.
            var qi = Math.Max(q[i] / sumQ, 1e-12);
            divergence += pi * Math.Log(pi / qi);
        }

        return divergence;
    }
}
