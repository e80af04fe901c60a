namespace EdgeNode.Messaging.Sparkplug;

/// <summary>A Sparkplug B payload: send time, sequence number (absent in NDEATH) and metrics.</summary>
/// <param name="Timestamp">When the message was sent; null where not given.</param>
/// <param name="Seq">Sequence number 0–255; null where absent.</param>
/// <param name="Metrics">The metrics.</param>
public sealed record SparkplugPayload(DateTimeOffset? Timestamp, ulong? Seq, IReadOnlyList<SparkplugMetric> Metrics);
