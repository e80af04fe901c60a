using EdgeNode.Core;

namespace EdgeNode.Storage;

/// <summary>One row of the result cache, as <c>edgenode results</c> shows it.</summary>
/// <param name="Seq">Store-assigned sequence.</param>
/// <param name="Id">Stable id.</param>
/// <param name="Kind">Result, sensor reading or event.</param>
/// <param name="Topic">MQTT topic it is (or was) published on.</param>
/// <param name="Payload">The JSON payload exactly as published.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="DeliveredAt">When the broker acknowledged it; <see langword="null"/> while pending.</param>
public sealed record StoredMessage(long Seq, string Id, MessageKind Kind, string Topic, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);
