using EdgeNode.Messaging;

namespace EdgeNode.Hosting;

/// <summary>Who this node is: its id and topic tree.</summary>
/// <param name="NodeId">Effective node id.</param>
/// <param name="Topics">The node's topics.</param>
public sealed record NodeIdentity(string NodeId, NodeTopics Topics);
