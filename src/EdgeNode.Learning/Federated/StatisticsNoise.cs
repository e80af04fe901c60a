using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// DP for summed statistics: one Gaussian mechanism on the concatenation of the counts, the class sums and the upper
/// triangle of Σ xxᵀ, each block weighted so that it takes a fixed share of the privacy budget. A unit (a sample, or
/// a node of at most n samples) moves the blocks by at most n·(1, C, C²) in L2, so block k gets std z·n·Δₖ/√shareₖ
/// and the whole release is one composition of multiplier z for <see cref="RdpAccountant"/>.
/// </summary>
public static class StatisticsNoise
{
    // Shares of the budget (counts, sums, second moment). The class sums carry the means, which decide most of the
    // discriminant; the second moment is shrunk towards the identity in proportion to its noise (LinearDiscriminant),
    // and at fleet sizes of 10³–10⁴ samples ε ≤ 8 leaves it almost nothing, so it gets least. The counts divide the
    // sums: 10 % of the budget left them 20 % off at client level and cost more than it saved.
    private const double CountShare = 0.2;
    private const double SumShare = 0.7;
    private const double MomentShare = 0.1;

    /// <summary>Std of the noise on each count, class-sum entry and second-moment entry.</summary>
    public static (double Count, double Sum, double Moment) Deviations(double noiseMultiplier, double unitSamples, double clipNorm)
    {
        var scale = noiseMultiplier * unitSamples;
        return (scale / Math.Sqrt(CountShare), scale * clipNorm / Math.Sqrt(SumShare), scale * clipNorm * clipNorm / Math.Sqrt(MomentShare));
    }

    /// <summary>Adds the noise to <paramref name="statistics"/> in place; counts stay ≥ 1 so every class keeps a mean.</summary>
    /// <param name="statistics">The summed statistics.</param>
    /// <param name="noiseMultiplier">z of the joint mechanism.</param>
    /// <param name="unitSamples">Samples one privacy unit holds at most (1 for <see cref="PrivacyUnit.Sample"/>).</param>
    /// <param name="clipNorm">Per-sample L2 clip C.</param>
    /// <param name="random">The noise source.</param>
    public static void Add(DiscriminantStatistics statistics, double noiseMultiplier, double unitSamples, double clipNorm, Random random)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(random);
        var d = statistics.Dimension;
        var sum = new double[d];
        var (countStd, sumStd, momentStd) = Deviations(noiseMultiplier, unitSamples, clipNorm);
        for (var c = 0; c < statistics.Classes.Count; c++)
        {
            statistics.SumOf(c).CopyTo(sum);
            for (var j = 0; j < d; j++)
            {
                sum[j] += sumStd * StandardNormal.Sample(random);
            }

            statistics.SetClass(c, Math.Max(1, statistics.CountOf(c) + (countStd * StandardNormal.Sample(random))), sum);
        }

        var m = statistics.SecondMoment;
        for (var i = 0; i < d; i++)
        {
            for (var j = i; j < d; j++)
            {
                m[(i * d) + j] += momentStd * StandardNormal.Sample(random);
            }
        }
    }

    /// <summary>ε at <paramref name="delta"/> of one noised statistics round with multiplier <paramref name="noiseMultiplier"/>.</summary>
    public static double Epsilon(double noiseMultiplier, double delta = 1e-5)
    {
        var accountant = new RdpAccountant();
        accountant.Compose(noiseMultiplier, 1.0, 1);
        return accountant.Epsilon(delta);
    }

    /// <summary>The smallest multiplier z (to 0.1 %) whose one-round ε at <paramref name="delta"/> is at most <paramref name="epsilon"/>.</summary>
    public static double MultiplierFor(double epsilon, double delta = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        double low = 0.01, high = 1000;
        while (high / low > 1.001)
        {
            var mid = Math.Sqrt(low * high);
            (low, high) = Epsilon(mid, delta) > epsilon ? (mid, high) : (low, mid);
        }

        return high;
    }
}
