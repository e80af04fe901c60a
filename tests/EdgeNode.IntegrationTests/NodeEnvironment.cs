namespace EdgeNode.IntegrationTests;

/// <summary>Environment for a node under test: its own id, an external broker port, a private database.</summary>
internal static class NodeEnvironment
{
    public static Dictionary<string, string> For(string nodeId, int brokerPort, string databasePath, bool embeddedBroker = false) => new()
    {
        ["EdgeNode__NodeId"] = nodeId,
        ["EdgeNode__Mqtt__Host"] = "127.0.0.1",
        ["EdgeNode__Mqtt__Port"] = brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EdgeNode__Mqtt__EmbeddedBroker"] = embeddedBroker ? "true" : "false",
        ["EdgeNode__Mqtt__ReconnectDelaySeconds"] = "0.2",
        ["EdgeNode__Mqtt__MaxReconnectDelaySeconds"] = "1",
        ["EdgeNode__Storage__Path"] = databasePath,
        ["EdgeNode__Telemetry__IntervalSeconds"] = "1",
        ["EdgeNode__Inference__Providers__0"] = "CPU",
    };
}
