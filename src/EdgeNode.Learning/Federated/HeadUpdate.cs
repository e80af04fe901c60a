namespace EdgeNode.Learning.Federated;

/// <summary>One node's contribution to a round: the encoded delta from the global head it started from.</summary>
/// <param name="NodeId">The sender (a registered key signs it).</param>
/// <param name="Round">The round the node trained for.</param>
/// <param name="BaseVersion">Version of the global head the delta is relative to.</param>
/// <param name="SampleCount">Local training samples (the FedAvg weight).</param>
/// <param name="TrainLoss">Final local training loss (a metric, not trusted).</param>
/// <param name="Codec">Encoding of <paramref name="Payload"/>.</param>
/// <param name="ParameterCount">Length of the decoded delta.</param>
/// <param name="Payload">The encoded delta (<see cref="DeltaEncoder"/>).</param>
public sealed record HeadUpdate(
    string NodeId,
    long Round,
    long BaseVersion,
    int SampleCount,
    float TrainLoss,
    DeltaCodec Codec,
    int ParameterCount,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The node's score for the fleet's validation gate (format version 2), or null.</summary>
    public ValidationScore? Validation { get; init; }
}
