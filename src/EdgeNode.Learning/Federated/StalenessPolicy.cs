namespace EdgeNode.Learning.Federated;

/// <summary>What happens to an update computed from an older global head.</summary>
public enum StalenessPolicy
{
    /// <summary>Weighted by (1 + staleness)^−a, up to <see cref="AggregationOptions.MaxStaleness"/> versions behind.</summary>
    Weight,

    /// <summary>Only updates from the current global count.</summary>
    Drop,
}
