namespace EdgeNode.Learning.Federated;

/// <summary>
/// Per-feature sufficient statistics (n, Σx, Σx²) of a node's embeddings: what a node shares so the fleet can
/// agree on one standardisation without sending samples. Combined statistics give the pooled mean and std.
/// </summary>
public sealed class ScalerStatistics
{
    private const float MinStd = 1e-3f;

    private ScalerStatistics(long count, double[] sum, double[] squares)
    {
        Count = count;
        Sum = sum;
        Squares = squares;
    }

    /// <summary>Samples counted.</summary>
    public long Count { get; private set; }

    /// <summary>Σx per feature.</summary>
    public double[] Sum { get; }

    /// <summary>Σx² per feature.</summary>
    public double[] Squares { get; }

    /// <summary>The statistics of <paramref name="data"/>.</summary>
    public static ScalerStatistics Of(SampleSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var d = data.Dimension;
        var stats = new ScalerStatistics(data.Count, new double[d], new double[d]);
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++)
            {
                stats.Sum[j] += row[j];
                stats.Squares[j] += (double)row[j] * row[j];
            }
        }

        return stats;
    }

    /// <summary>Adds <paramref name="other"/> (another node's statistics).</summary>
    public void Add(ScalerStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Sum.Length != Sum.Length)
        {
            throw new ArgumentException("The statistics have different dimensions.", nameof(other));
        }

        Count += other.Count;
        for (var j = 0; j < Sum.Length; j++)
        {
            Sum[j] += other.Sum[j];
            Squares[j] += other.Squares[j];
        }
    }

    /// <summary>The standardisation of the pooled data.</summary>
    public FeatureScaler ToScaler()
    {
        var scaler = new FeatureScaler(Sum.Length);
        if (Count == 0)
        {
            return scaler;
        }

        for (var j = 0; j < Sum.Length; j++)
        {
            var mean = Sum[j] / Count;
            var variance = Math.Max(0, (Squares[j] / Count) - (mean * mean));
            scaler.Mean[j] = (float)mean;
            scaler.InvStd[j] = 1f / Math.Max(MinStd, (float)Math.Sqrt(variance));
        }

        return scaler;
    }
}
