namespace EdgeNode.Learning.Federated;

/// <summary>How the round's deltas are combined.</summary>
public enum AggregationRule
{
    /// <summary>Mean weighted by sample count (times the staleness factor).</summary>
    FedAvg,

    /// <summary>Coordinate-wise mean after dropping the largest and smallest <see cref="AggregationOptions.TrimFraction"/> of values.</summary>
    TrimmedMean,

    /// <summary>Coordinate-wise median.</summary>
    Median,
}
