using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Hosting;

/// <summary>Options bound from <c>EdgeNode</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode";

    /// <summary>
    /// Node id (<c>EdgeNode__NodeId</c>): a topic level, so no '/', '+', '#'; not <c>fleet</c>, the level of the
    /// federated topics (<c>edgenode/fleet/…</c>), which the broker ACL must never hand to a node. Empty means the host name.
    /// </summary>
    [RegularExpression("^(?!fleet$)[^/+#\\s]*$", ErrorMessage = "The node id is one MQTT topic level: no '/', '+', '#' or spaces, and not 'fleet' (reserved for the federated topics).")]
    public string NodeId { get; set; } = string.Empty;

    /// <summary>The node id to use: <see cref="NodeId"/>, or the host name when empty.</summary>
    public string EffectiveNodeId => string.IsNullOrWhiteSpace(NodeId) ? SanitizeHostName(Environment.MachineName) : NodeId;

    private static string SanitizeHostName(string host) =>
        new(host.Select(c => c is '/' or '+' or '#' || char.IsWhiteSpace(c) ? '-' : char.ToLowerInvariant(c)).ToArray());
}
