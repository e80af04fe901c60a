namespace EdgeNode.Messaging.Broker;

/// <summary>The embedded broker's security settings cannot be used; <see cref="Key"/> names the <c>EdgeNode:Mqtt</c> key to fix.</summary>
internal sealed class BrokerSecurityException(string key, string detail)
    : Exception($"{MqttOptions.Section}:{key} (EdgeNode__Mqtt__{key}): {detail}")
{
    /// <summary>The key under <c>EdgeNode:Mqtt</c>, such as <c>BrokerPasswordFile</c>.</summary>
    public string Key { get; } = key;

    /// <summary>What is wrong, without the key.</summary>
    public string Detail { get; } = detail;
}
