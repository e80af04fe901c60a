using System.Buffers;
using System.Text.Json;
using EdgeNode.Pipeline;

namespace EdgeNode.Outbox;

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
}
