namespace EdgeNode.Learning.Federated;

/// <summary>How the sums and the second moment of a statistics update are stored (counts are always double).</summary>
public enum StatisticsPrecision : byte
{
    /// <summary>float64, exact, 1.05 MB for d = 512.</summary>
    Exact = 0,

    /// <summary>float32, half the size; the default, its accuracy cost is in docs/federation.md.</summary>
    Compact = 1,
}
