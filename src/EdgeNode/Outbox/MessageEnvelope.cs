using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;

namespace EdgeNode.Outbox;

/// <summary>
/// Writes every JSON message the node sends: the <see cref="Envelope"/> fields, then the body, with one escaping
/// (non-ASCII such as <c>°C</c> stays UTF-8; quotes and control characters are escaped as JSON requires).
/// </summary>
public static class MessageEnvelope
{
    // Relaxed: the payloads go to MQTT consumers, never into HTML, so "°C" need not become "\u00B0C".
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A new message id: a UUIDv7 of <paramref name="now"/> as 32 hex digits, so ids sort by time.</summary>
    public static string NewId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    /// <summary>UTC ISO-8601 with milliseconds and a <c>Z</c> suffix.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Serialises one message object: the envelope's fields, then what <paramref name="writeBody"/> writes.</summary>
    /// <param name="envelope">The leading fields.</param>
    /// <param name="body">State for <paramref name="writeBody"/>.</param>
    /// <param name="writeBody">Writes the message's own properties (the object is open; do not close it).</param>
    /// <param name="capacity">Initial buffer size, a guess of the message's length.</param>
    public static byte[] Serialize<TBody>(in Envelope envelope, TBody body, Action<Utf8JsonWriter, TBody> writeBody, int capacity = 256)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        var buffer = new ArrayBufferWriter<byte>(capacity);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (envelope.Id is { } id)
            {
                writer.WriteString("id", id);
            }

            writer.WriteString("ts", FormatTimestamp(envelope.Timestamp));
            if (envelope.Seq is { } seq)
            {
                writer.WriteNumber("seq", seq);
            }

            writer.WriteString("node", envelope.Node);
            writeBody(writer, body);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
