namespace EdgeNode.Core;

/// <summary>What kind of item an outbox row holds; retention treats kinds differently.</summary>
public enum MessageKind
{
    /// <summary>An inference result.</summary>
    Result,

    /// <summary>A sensor reading.</summary>
    Sensor,

    /// <summary>An event (button press, model swap, dropped-items report): never dropped by retention.</summary>
    Event,
}

/// <summary>A message committed locally and waiting to be published (store-and-forward).</summary>
/// <param name="Seq">Store-assigned, increasing; drain order.</param>
/// <param name="Id">Stable id carried in the payload.</param>
/// <param name="Kind">Retention class.</param>
/// <param name="Topic">Full MQTT topic.</param>
/// <param name="Payload">UTF-8 JSON payload, exactly as published.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record OutboxMessage(long Seq, string Id, MessageKind Kind, string Topic, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt);

/// <summary>A message to be stored; the store assigns <see cref="OutboxMessage.Seq"/>.</summary>
/// <param name="Id">Stable id carried in the payload.</param>
/// <param name="Kind">Retention class.</param>
/// <param name="Topic">Full MQTT topic.</param>
/// <param name="Payload">UTF-8 JSON payload.</param>
/// <param name="CreatedAt">Item time.</param>
/// <param name="Sequence">The per-node, per-kind sequence number carried in the payload (<c>seq</c>); the store
/// remembers the highest one so numbering continues after a restart (see <see cref="IOutboxStore.GetLastSequenceAsync"/>).</param>
public sealed record PendingMessage(string Id, MessageKind Kind, string Topic, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt, long Sequence = 0);
