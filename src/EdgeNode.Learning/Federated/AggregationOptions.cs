namespace EdgeNode.Learning.Federated;

/// <summary>Aggregation and screening settings.</summary>
public sealed record AggregationOptions
{
    /// <summary>Combination rule.</summary>
    public AggregationRule Rule { get; init; } = AggregationRule.FedAvg;

    /// <summary>Fraction trimmed at each end by <see cref="AggregationRule.TrimmedMean"/>, in [0, 0.5).</summary>
    public double TrimFraction { get; init; } = 0.1;

    /// <summary>Late updates: weighted or dropped.</summary>
    public StalenessPolicy Staleness { get; init; } = StalenessPolicy.Weight;

    /// <summary>Exponent a of the staleness weight (1 + s)^−a.</summary>
    public double StalenessExponent { get; init; } = 0.5;

    /// <summary>Updates more than this many versions behind are rejected.</summary>
    public int MaxStaleness { get; init; } = 3;

    /// <summary>An update whose L2 norm exceeds this multiple of the round's median norm is rejected (needs 3 or more updates); 0 disables it.</summary>
    public double NormOutlierFactor { get; init; } = 3.0;

    /// <summary>
    /// FedAvg with 3 or more updates: a node's sample count weighs at most this multiple of the round's median count,
    /// so a self-reported <c>SampleCount = int.MaxValue</c> with a delta just under the outlier screen weighs as much
    /// as a median node, not as the whole round; 0 disables it.
    /// </summary>
    public double SampleCountCap { get; init; } = 1.0;

    /// <summary>Deltas are scaled down to at most this L2 norm before aggregation (bounds any single node); 0 disables it.</summary>
    public double MaxNorm { get; init; }

    /// <summary>Client-level DP: clip norm C. Used when <see cref="DpNoiseMultiplier"/> &gt; 0.</summary>
    public double DpClipNorm { get; init; } = 1.0;

    /// <summary>Client-level DP: Gaussian noise std z·C added to the sum of clipped deltas; 0 disables DP.</summary>
    public double DpNoiseMultiplier { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(TrimFraction is >= 0 and < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(TrimFraction), TrimFraction, "The trim fraction must be in [0, 0.5).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxStaleness);
        ArgumentOutOfRangeException.ThrowIfNegative(StalenessExponent);
        ArgumentOutOfRangeException.ThrowIfNegative(NormOutlierFactor);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxNorm);
        ArgumentOutOfRangeException.ThrowIfNegative(SampleCountCap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DpClipNorm);
        ArgumentOutOfRangeException.ThrowIfNegative(DpNoiseMultiplier);
    }
}
