namespace EdgeNode.Outbox;

/// <summary>
/// How each kind of message goes to the broker: QoS and retain flag, in one table (the topic table of docs/mqtt.md).
/// Stored kinds are QoS 1 because the outbox marks a message delivered only on the broker's acknowledgement.
/// </summary>
/// <param name="QualityOfService">MQTT QoS level (0 or 1).</param>
/// <param name="Retain">Whether the broker keeps the message for new subscribers.</param>
public readonly record struct MessageDelivery(int QualityOfService, bool Retain)
{
    /// <summary>Telemetry: live only (QoS 0, not stored); the next period replaces a lost one.</summary>
    public static MessageDelivery Telemetry { get; } = new(0, false);

    /// <summary>The delivery of a stored <paramref name="kind"/>.</summary>
    public static MessageDelivery For(MessageKind kind) => kind switch
    {
        MessageKind.Result => new(1, false),
        MessageKind.Sensor => new(1, false),
        MessageKind.Event => new(1, false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No delivery is defined for this message kind."),
    };

    /// <summary>The bus message that publishes <paramref name="message"/> with its kind's delivery.</summary>
    public static BusMessage ToBusMessage(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var delivery = For(message.Kind);
        return new BusMessage(message.Topic, message.Payload, delivery.QualityOfService, delivery.Retain);
    }
}
