namespace EdgeNode.Compression.Evaluation;

/// <summary>Latency percentiles of a series of runs, in milliseconds.</summary>
/// <param name="Runs">Number of timed runs.</param>
/// <param name="MeanMs">Mean.</param>
/// <param name="P50Ms">Median.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
public sealed record LatencyStats(int Runs, double MeanMs, double P50Ms, double P95Ms, double P99Ms)
{
    /// <summary>Runs per second at the mean latency (one request at a time).</summary>
    public double ThroughputPerSecond => MeanMs > 0 ? 1000.0 / MeanMs : 0;

    /// <summary>Computes the statistics of <paramref name="samplesMs"/>.</summary>
    public static LatencyStats From(IReadOnlyList<double> samplesMs)
    {
        ArgumentNullException.ThrowIfNull(samplesMs);
        if (samplesMs.Count == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0);
        }

        var sorted = samplesMs.Order().ToArray();
        return new LatencyStats(sorted.Length, sorted.Average(), Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99));
    }

    /// <summary>Linear-interpolated percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var position = (sorted.Count - 1) * percentile / 100.0;
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
