using EdgeNode.Messaging;

namespace EdgeNode.Outbox;

/// <summary>
/// The one way a producer sends a message: it assigns the id, writes the <see cref="Envelope"/> and body
/// (<see cref="MessageEnvelope"/>), commits stored kinds to the outbox and wakes the publisher, which sends each kind
/// with its <see cref="MessageDelivery"/>; live kinds (telemetry) are published at once instead.
/// </summary>
public sealed class MessageWriter(IOutboxStore store, OutboxSignal signal, IMessageBus bus, NodeIdentity identity, TimeProvider time)
{
    /// <summary>The node id written into every envelope.</summary>
    public string NodeId => identity.NodeId;

    /// <summary>The node's topics, where its messages go.</summary>
    public NodeTopics Topics => identity.Topics;

    /// <summary>The highest <c>seq</c> committed for <paramref name="kind"/> (0 when none): producers continue after it across restarts.</summary>
    public ValueTask<long> LastSequenceAsync(MessageKind kind, CancellationToken cancellationToken) =>
        store.GetLastSequenceAsync(kind, cancellationToken);

    /// <summary>A new message id for now (<see cref="MessageEnvelope.NewId"/>).</summary>
    public string NewId() => MessageEnvelope.NewId(time.GetUtcNow());

    /// <summary>A stored message of <paramref name="kind"/> with a new id; <paramref name="seq"/> null leaves <c>seq</c> out.</summary>
    public PendingMessage Create<TBody>(MessageKind kind, string topic, DateTimeOffset timestamp, long? seq, TBody body, Action<Utf8JsonWriter, TBody> writeBody) =>
        Create(kind, topic, NewId(), timestamp, seq, body, writeBody);

    /// <summary>A stored message whose id the producer assigned already (a result's id is known to the label intake first).</summary>
    public PendingMessage Create<TBody>(MessageKind kind, string topic, string id, DateTimeOffset timestamp, long? seq, TBody body, Action<Utf8JsonWriter, TBody> writeBody)
    {
        var payload = MessageEnvelope.Serialize(new Envelope(id, timestamp, seq, identity.NodeId), body, writeBody);
        return new PendingMessage(id, kind, topic, payload, timestamp, seq ?? 0);
    }

    /// <summary>
    /// Commits <paramref name="messages"/> in one transaction, then wakes the publisher. The commit is never cancelled
    /// half-way: a message the producer has handed over is stored or reported as failed (<see cref="IOException"/>).
    /// </summary>
    public async ValueTask AppendAsync(IReadOnlyList<PendingMessage> messages)
    {
        await store.AppendAsync(messages, CancellationToken.None);
        signal.Set();
    }

    /// <summary>Publishes a live (not stored) message now when connected; false when offline, where it is dropped.</summary>
    public async Task<bool> PublishLiveAsync(string topic, ReadOnlyMemory<byte> payload, MessageDelivery delivery, CancellationToken cancellationToken)
    {
        if (!bus.IsConnected)
        {
            return false;
        }

        await bus.PublishAsync(new BusMessage(topic, payload, delivery.QualityOfService, delivery.Retain), cancellationToken);
        return true;
    }
}
