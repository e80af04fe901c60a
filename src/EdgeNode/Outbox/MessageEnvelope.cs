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
        timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Serialises one message object: the envelope's fields, then what <paramref name="writeBody"/> writes.</summary>
    /// <param name="envelope">The leading fields.</param>
    /// <param name="body">State for <paramref name="writeBody"/>.</param>
    /// <param name="writeBody">Writes the message's own properties (the object is open; do not close it).</param>
    public static byte[] Serialize<TBody>(in Envelope envelope, TBody body, Action<Utf8JsonWriter, TBody> writeBody)
    {
        ArgumentNullException.ThrowIfNull(writeBody);

        // One buffer and writer per thread, reset for each message: a result per frame would otherwise grow a new buffer
        // three or four times (about 3 KB of garbage per frame). A body writer that serialises a message of its own
        // while this one is open gets fresh ones; a buffer grown past KeptBytes by a large message is not kept.
        var nested = t_busy;
        var buffer = nested ? new ArrayBufferWriter<byte>() : t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = nested || t_writer is null ? new Utf8JsonWriter(buffer, WriterOptions) : t_writer;
        writer.Reset(buffer);
        t_busy = true;
        try
        {
            writer.WriteStartObject();
            if (envelope.Id is { } id)
            {
                writer.WriteString("id", id);
            }

            Span<char> ts = stackalloc char[24];
            writer.WriteString("ts", envelope.Timestamp.UtcDateTime.TryFormat(ts, out var written, TimestampFormat, CultureInfo.InvariantCulture) ? ts[..written] : FormatTimestamp(envelope.Timestamp));
            if (envelope.Seq is { } seq)
            {
                writer.WriteNumber("seq", seq);
            }

            writer.WriteString("node", envelope.Node);
            writeBody(writer, body);
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            t_busy = nested;
            if (nested)
            {
                writer.Dispose();
            }
            else
            {
                t_writer = writer;
                if (buffer.Capacity > KeptBytes)
                {
                    t_buffer = null;
                }
            }
        }
    }

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>The largest per-thread buffer kept between messages.</summary>
    private const int KeptBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static bool t_busy;
}
