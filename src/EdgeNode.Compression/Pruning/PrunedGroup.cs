namespace EdgeNode.Compression.Pruning;

/// <summary>One channel group's pruning plan.</summary>
/// <param name="Producers">Convs whose output channels are removed.</param>
/// <param name="Consumers">Convs whose input channels are removed.</param>
/// <param name="Channels">The group's channel count before pruning.</param>
/// <param name="Keep">Kept channel indices, ascending.</param>
internal sealed record PrunedGroup(IReadOnlyList<NodeProto> Producers, IReadOnlyList<NodeProto> Consumers, int Channels, int[] Keep);
