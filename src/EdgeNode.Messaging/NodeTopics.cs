namespace EdgeNode.Messaging;

/// <summary>The node's topic tree (see docs/mqtt.md).</summary>
/// <param name="Prefix">Topic prefix, default <c>edgenode</c>.</param>
/// <param name="NodeId">Node id.</param>
public sealed record NodeTopics(string Prefix, string NodeId)
{
    /// <summary><c>{prefix}/{node}/status</c>: retained <c>online</c> / <c>offline</c>.</summary>
    public string Status => $"{Prefix}/{NodeId}/status";

    /// <summary><c>{prefix}/{node}/telemetry</c>.</summary>
    public string Telemetry => $"{Prefix}/{NodeId}/telemetry";

    /// <summary><c>{prefix}/{node}/results</c>.</summary>
    public string Results => $"{Prefix}/{NodeId}/results";

    /// <summary><c>{prefix}/{node}/sensors/{sensor}</c>.</summary>
    public string Sensor(string sensor) => $"{Prefix}/{NodeId}/sensors/{sensor}";

    /// <summary><c>{prefix}/{node}/cmd/{verb}</c>.</summary>
    public string Command(string verb) => $"{Prefix}/{NodeId}/cmd/{verb}";

    /// <summary><c>{prefix}/{node}/model/chunks/{transferId}</c>: the binary chunks of a model transfer (docs/models.md).</summary>
    public string ModelChunks(string transferId) => $"{Prefix}/{NodeId}/model/chunks/{transferId}";

    /// <summary><c>{prefix}/{node}/events</c>.</summary>
    public string Events => $"{Prefix}/{NodeId}/events";
}
