using EdgeNode.Core;

namespace EdgeNode.Messaging;

/// <summary>The node's retained status messages on <c>{prefix}/{node}/status</c> (QoS 1, retained: the birth and the will).</summary>
internal static class NodeStatus
{
    private static readonly byte[] OnlinePayload = "online"u8.ToArray();
    private static readonly byte[] OfflinePayload = "offline"u8.ToArray();

    /// <summary>The birth, after each (re)connect.</summary>
    public static BusMessage Online(NodeTopics topics) => new(topics.Status, OnlinePayload, 1, Retain: true);

    /// <summary>The will, and the last message of a clean stop.</summary>
    public static BusMessage Offline(NodeTopics topics) => new(topics.Status, OfflinePayload, 1, Retain: true);
}
