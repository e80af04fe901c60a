namespace EdgeNode.Learning.Federated;

/// <summary>The outcome of closing a round.</summary>
/// <param name="Delta">The combined delta to add to the global head (zeros when nothing was usable).</param>
/// <param name="Used">Nodes whose deltas went in.</param>
/// <param name="Rejected">Nodes left out, with the reason.</param>
/// <param name="TotalSamples">Sum of the sample counts used.</param>
public sealed record AggregationResult(float[] Delta, IReadOnlyList<string> Used, IReadOnlyList<(string NodeId, string Reason)> Rejected, long TotalSamples);
