namespace EdgeNode.Learning.Federated;

/// <summary>A decoded, verified delta waiting for its round to close.</summary>
/// <param name="NodeId">Sender (a node, or a site aggregator forwarding a partial aggregate).</param>
/// <param name="Delta">Decoded delta from the base version.</param>
/// <param name="SampleCount">FedAvg weight.</param>
/// <param name="BaseVersion">Global version it was trained from.</param>
public sealed record ContributedDelta(string NodeId, float[] Delta, int SampleCount, long BaseVersion)
{
    /// <summary>The sender's validation score of its base head and the fleet head (the validation gate), or null.</summary>
    public ValidationScore? Validation { get; init; }
}
