using System.ComponentModel.DataAnnotations;
using EdgeNode.Messaging.Broker;

namespace EdgeNode.Messaging;

/// <summary>Options bound from <c>EdgeNode:Mqtt</c>.</summary>
public sealed class MqttOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Mqtt";

    /// <summary>Broker host (<c>EdgeNode__Mqtt__Host</c>); with the embedded broker, the address it listens on.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker port (<c>EdgeNode__Mqtt__Port</c>).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>
    /// <c>EdgeNode__Mqtt__EmbeddedBroker</c>: true runs an in-process MQTT v5 broker on Host:Port and connects to
    /// it; false connects to an external broker at Host:Port.
    /// </summary>
    public bool EmbeddedBroker { get; set; } = true;

    /// <summary>
    /// <c>EdgeNode__Mqtt__Convention</c>: <c>edgenode</c> (the JSON topic tree only) or <c>sparkplug</c> (the JSON
    /// topic tree plus Sparkplug B, whose NDEATH becomes the MQTT will; see docs/mqtt.md).
    /// </summary>
    [EnumDataType(typeof(MqttConvention))]
    public MqttConvention Convention { get; set; } = MqttConvention.EdgeNode;

    /// <summary>Topic prefix; topics are <c>{prefix}/{node}/…</c>.</summary>
    [Required]
    [RegularExpression("^[^#+/]+(/[^#+/]+)*$", ErrorMessage = "The topic prefix must be non-empty and contain no '#', '+' or empty levels.")]
    public string TopicPrefix { get; set; } = "edgenode";

    /// <summary>Optional user name (<c>EdgeNode__Mqtt__Username</c>); with the shipped ACL, the node id.</summary>
    public string? Username { get; set; }

    /// <summary>Optional password (<c>EdgeNode__Mqtt__Password</c>).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// <c>EdgeNode__Mqtt__BrokerPasswordFile</c>: a mosquitto password file (<c>mosquitto_passwd</c>) the embedded broker
    /// checks every client against. Required when the embedded broker listens on an address other than loopback
    /// (<c>0.0.0.0</c> and <c>::</c> included); the node then logs in with <see cref="Username"/>/<see cref="Password"/> too.
    /// </summary>
    public string? BrokerPasswordFile { get; set; }

    /// <summary>
    /// <c>EdgeNode__Mqtt__BrokerAclFile</c>: the mosquitto ACL the embedded broker enforces once clients log in; unset:
    /// the shipped <c>deploy/mosquitto/edgenode.acl</c>, built into the program.
    /// </summary>
    public string? BrokerAclFile { get; set; }

    /// <summary>TLS to an external broker (<c>EdgeNode:Mqtt:Tls</c>); off unless configured.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// <c>EdgeNode__Mqtt__MaxPacketBytes</c>: the largest MQTT packet the node takes (sent as the client's Maximum Packet
    /// Size, so the broker does not send larger ones; larger ones that come anyway are dropped before they are copied)
    /// and the largest publish the embedded broker routes. Model chunks are at most 4 MiB.
    /// </summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int MaxPacketBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Keep-alive period.</summary>
    [Range(5, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>
    /// <c>EdgeNode__Mqtt__TimeoutSeconds</c>: how long the connect and each QoS 1 acknowledgement may take. A publish
    /// whose PUBACK is later than this counts as failed and is sent again (a duplicate for subscribers), so it is
    /// generous: a busy board or a slow link delays acknowledgements by seconds.
    /// </summary>
    [Range(1, 300)]
    public double TimeoutSeconds { get; set; } = 15;

    /// <summary>First reconnect delay; doubles up to <see cref="MaxReconnectDelaySeconds"/>.</summary>
    [Range(0.05, 60)]
    public double ReconnectDelaySeconds { get; set; } = 0.5;

    /// <summary>Longest reconnect delay.</summary>
    [Range(0.1, 600)]
    public double MaxReconnectDelaySeconds { get; set; } = 5;

    /// <summary>
    /// The rule across fields: TLS applies to an external broker; the embedded broker speaks plain MQTT. The TLS
    /// settings themselves are checked by <see cref="MqttTlsOptions"/> (validated as the nested <c>Tls</c> section).
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EmbeddedBroker && BrokerSecurityCheck.Failure(this) is { } broker)
        {
            yield return broker;
        }

        if (EmbeddedBroker && Tls.IsEnabled)
        {
            yield return new ValidationResult(
                "EdgeNode:Mqtt:Tls applies to an external broker; the embedded broker speaks plain MQTT. Set EdgeNode__Mqtt__EmbeddedBroker=false to connect to a TLS broker, or remove the EdgeNode__Mqtt__Tls__* settings.",
                [nameof(EmbeddedBroker)]);
        }
    }
}
