namespace EdgeNode.Learning.Federated;

/// <summary>What a statistics round did with an update.</summary>
public enum StatisticsVerdict
{
    /// <summary>Verified and taken as sent.</summary>
    Accepted,

    /// <summary>Verified and taken, scaled down to the per-node sample bound.</summary>
    Bounded,

    /// <summary>Rejected; nothing changed.</summary>
    Rejected,

    /// <summary>The node already contributed to this round; the first one counts.</summary>
    Duplicate,
}
