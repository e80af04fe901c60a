namespace EdgeNode.Messaging.Sparkplug;

/// <summary>An edge node's Sparkplug B topics, <c>spBv1.0/{group}/{type}/{edge node}</c>.</summary>
/// <param name="GroupId">Sparkplug group id.</param>
/// <param name="EdgeNodeId">Edge node id (the node id).</param>
public sealed record SparkplugTopics(string GroupId, string EdgeNodeId)
{
    /// <summary>The Sparkplug B topic namespace.</summary>
    public const string Namespace = "spBv1.0";

    /// <summary>Birth certificate.</summary>
    public string NBirth => Topic("NBIRTH");

    /// <summary>Data (report by exception).</summary>
    public string NData => Topic("NDATA");

    /// <summary>Death certificate (the MQTT will, and published on a clean stop).</summary>
    public string NDeath => Topic("NDEATH");

    /// <summary>Commands to the edge node (subscribed).</summary>
    public string NCmd => Topic("NCMD");

    private string Topic(string type) => $"{Namespace}/{GroupId}/{type}/{EdgeNodeId}";
}
