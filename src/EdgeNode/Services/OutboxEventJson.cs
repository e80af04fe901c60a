using System.Buffers;
using System.Text.Json;
using EdgeNode.Core;

namespace EdgeNode.Services;

/// <summary>Events the outbox itself raises on <c>{prefix}/{node}/events</c> (docs/storage.md).</summary>
public static class OutboxEventJson
{
    /// <summary>
    /// <c>{"id","ts","seq","node","type":"outbox-dropped","dropped"}</c>: undelivered items the size cap dropped
    /// since the previous report.
    /// </summary>
    public static byte[] Dropped(string id, long seq, string nodeId, DateTimeOffset timestamp, long dropped)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("ts", ResultJson.FormatTimestamp(timestamp));
            writer.WriteNumber("seq", seq);
            writer.WriteString("node", nodeId);
            writer.WriteString("type", "outbox-dropped");
            writer.WriteNumber("dropped", dropped);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>dead-lettered</c> event: a stored item the broker refused (its id, kind, topic, seq and why).</summary>
    public static byte[] DeadLettered(string id, string nodeId, DateTimeOffset timestamp, OutboxMessage refused, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("ts", ResultJson.FormatTimestamp(timestamp));
            writer.WriteString("node", nodeId);
            writer.WriteString("type", "dead-lettered");
            writer.WriteString("itemId", refused.Id);
            writer.WriteString("kind", refused.Kind.ToString().ToLowerInvariant());
            writer.WriteNumber("itemSeq", refused.Seq);
            writer.WriteString("topic", refused.Topic);
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
