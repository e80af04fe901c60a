namespace EdgeNode.Outbox;

/// <summary>
/// The fields every node message starts with (docs/mqtt.md), in this order: <c>id</c>, <c>ts</c>, <c>seq</c>, <c>node</c>.
/// A null <see cref="Id"/> or <see cref="Seq"/> is left out (telemetry has neither; button events have no <c>seq</c>).
/// </summary>
/// <param name="Id">Stable message id (UUIDv7 hex, <see cref="MessageEnvelope.NewId"/>); null for live-only messages.</param>
/// <param name="Timestamp">The message's time, written as UTC ISO-8601 with milliseconds.</param>
/// <param name="Seq">Per-node, per-kind sequence number; null when the kind carries none.</param>
/// <param name="Node">The node id.</param>
public readonly record struct Envelope(string? Id, DateTimeOffset Timestamp, long? Seq, string Node);
