namespace EdgeNode.Core;

/// <summary>The node's connection to its broker, free of any MQTT library type.</summary>
public interface IMessageBus
{
    /// <summary>True while connected to the broker.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Publishes and waits for the broker's acknowledgement (QoS 1) or for the send (QoS 0).
    /// Throws <see cref="MessageBusException"/> when not connected or not acknowledged.
    /// </summary>
    Task PublishAsync(BusMessage message, CancellationToken cancellationToken);

    /// <summary>Subscribes <paramref name="handler"/> to <paramref name="topicFilter"/>; kept across reconnects.</summary>
    Task SubscribeAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="SubscribeAsync"/>, but asks the broker not to send the retained messages that match at subscribe
    /// time (MQTT v5 retain handling 2, "do not send"): for commands, which must only run when sent, never again at a
    /// reconnect. A bus that cannot ask subscribes plainly; the caller still refuses what arrives retained.
    /// </summary>
    Task SubscribeWithoutRetainedAsync(string topicFilter, Func<BusMessage, CancellationToken, Task> handler, CancellationToken cancellationToken) =>
        SubscribeAsync(topicFilter, handler, cancellationToken);

    /// <summary>
    /// QoS 1 and 2 publishes the broker takes unacknowledged at once on this connection: the Receive Maximum of its
    /// MQTT v5 CONNACK (EMQX sends its <c>max_inflight</c>, 32 by default; HiveMQ 10), 65,535 when it sets none.
    /// Sending more is a protocol error the broker answers by disconnecting (reason 0x93).
    /// </summary>
    int ReceiveMaximum => ushort.MaxValue;

    /// <summary>Raised (on a thread-pool thread) after each successful (re)connect.</summary>
    event Func<CancellationToken, Task>? Connected;
}

/// <summary>A message on the bus.</summary>
/// <param name="Topic">Full topic.</param>
/// <param name="Payload">Raw payload.</param>
/// <param name="QualityOfService">0, 1 or 2.</param>
/// <param name="Retain">Retain flag.</param>
/// <param name="ResponseTopic">MQTT v5 response topic, for commands.</param>
/// <param name="CorrelationData">MQTT v5 correlation data, echoed in replies.</param>
public sealed record BusMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    int QualityOfService = 1,
    bool Retain = false,
    string? ResponseTopic = null,
    ReadOnlyMemory<byte> CorrelationData = default);
