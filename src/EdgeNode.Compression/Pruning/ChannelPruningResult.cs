namespace EdgeNode.Compression.Pruning;

/// <summary>What channel pruning removed.</summary>
/// <param name="Groups">Channel groups that lost channels.</param>
/// <param name="RemovedChannels">Channels removed over all groups.</param>
/// <param name="Refitted">Consuming convs reconstructed by least squares.</param>
internal readonly record struct ChannelPruningResult(int Groups, int RemovedChannels, int Refitted);
