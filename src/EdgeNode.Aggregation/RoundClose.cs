using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation;

/// <summary>What closing (or extending) a round produced.</summary>
/// <param name="Global">The global head message to publish (retained) on this fleet's topic.</param>
/// <param name="Forward">Hierarchy: the signed partial aggregate to send to the parent fleet, or null.</param>
/// <param name="Result">The aggregation, or null when the deadline passed without updates.</param>
public sealed record RoundClose(GlobalHead? Global, byte[]? Forward, AggregationResult? Result);
