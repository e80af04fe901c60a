namespace EdgeNode.Messaging;

/// <summary>The topic and payload convention of the node (<c>EdgeNode:Mqtt:Convention</c>).</summary>
public enum MqttConvention
{
    /// <summary>The node's JSON topic tree only (docs/mqtt.md).</summary>
    EdgeNode = 0,

    /// <summary>The JSON topic tree plus Sparkplug B NBIRTH/NDATA/NDEATH/NCMD; the MQTT will is the NDEATH.</summary>
    Sparkplug = 1,
}
