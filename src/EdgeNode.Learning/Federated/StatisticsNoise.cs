using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// Client-level DP for summed statistics: three Gaussian mechanisms (counts, sums, upper triangle of Σ xxᵀ), each with
/// std z·Δ for a node's sensitivity Δ (n·1, n·C, n·C² with n = MaxSamplesPerNode), accounted as three compositions by
/// <see cref="RdpAccountant"/>.
/// </summary>
public static class StatisticsNoise
{
    /// <summary>Adds the noise to <paramref name="statistics"/> in place; counts stay ≥ 1 so every class keeps a mean.</summary>
    public static void Add(DiscriminantStatistics statistics, double noiseMultiplier, double maxSamplesPerNode, double clipNorm, Random random)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(random);
        var d = statistics.Dimension;
        var sum = new double[d];
        var countStd = noiseMultiplier * maxSamplesPerNode;
        var sumStd = countStd * clipNorm;
        for (var c = 0; c < statistics.Classes.Count; c++)
        {
            statistics.SumOf(c).CopyTo(sum);
            for (var j = 0; j < d; j++)
            {
                sum[j] += sumStd * StandardNormal.Sample(random);
            }

            statistics.SetClass(c, Math.Max(1, statistics.CountOf(c) + (countStd * StandardNormal.Sample(random))), sum);
        }

        var momentStd = sumStd * clipNorm;
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
        accountant.Compose(noiseMultiplier, 1.0, 3);
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
