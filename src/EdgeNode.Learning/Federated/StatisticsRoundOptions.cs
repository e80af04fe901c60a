namespace EdgeNode.Learning.Federated;

/// <summary>Settings of a statistics round at the aggregator.</summary>
public sealed record StatisticsRoundOptions
{
    /// <summary>Embedding length d every update must have.</summary>
    public required int Dimension { get; init; }

    /// <summary>The round the updates must name.</summary>
    public long Round { get; init; } = 1;

    /// <summary>
    /// A node counts as at most this many samples: a node claiming more is scaled down to it (its means and
    /// covariance kept, its weight bounded), so forged counts cannot outweigh the fleet. It is also the client-level DP sensitivity.
    /// </summary>
    public double MaxSamplesPerNode { get; init; } = 10_000;

    /// <summary>Per-sample L2 clip C the nodes apply (0: none); with it, statistics beyond what clipped samples can add are rejected.</summary>
    public double ClipNorm { get; init; }

    /// <summary>DP: Gaussian noise multiplier z on the summed statistics (0: off; the unit is <see cref="PrivacyUnit"/>). Needs <see cref="ClipNorm"/>.</summary>
    public double NoiseMultiplier { get; init; }

    /// <summary>What the DP noise hides: a node's whole contribution (sensitivity <see cref="MaxSamplesPerNode"/> samples) or one sample.</summary>
    public PrivacyUnit PrivacyUnit { get; init; } = PrivacyUnit.Node;

    /// <summary>Samples one privacy unit moves the sum by at most: the DP sensitivity in samples.</summary>
    public double UnitSamples => PrivacyUnit == PrivacyUnit.Sample ? 1 : MaxSamplesPerNode;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Dimension);
        if (!(MaxSamplesPerNode >= 1 && double.IsFinite(MaxSamplesPerNode)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSamplesPerNode), MaxSamplesPerNode, "MaxSamplesPerNode must be at least 1.");
        }

        if (!(ClipNorm >= 0 && double.IsFinite(ClipNorm)) || !(NoiseMultiplier >= 0 && double.IsFinite(NoiseMultiplier)) || (NoiseMultiplier > 0 && ClipNorm <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NoiseMultiplier), NoiseMultiplier, "DP noise needs a positive ClipNorm; both must be finite and non-negative.");
        }
    }
}
