using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Core;

namespace EdgeNode.Pipeline;

/// <summary>The <c>results</c> message schema (docs/mqtt.md); the stored payload is exactly the published one.</summary>
public static class ResultJson
{
    /// <summary>Serialises <paramref name="result"/> for node <paramref name="nodeId"/>.</summary>
    public static byte[] Serialize(InferenceResult result, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(result);
        var buffer = new ArrayBufferWriter<byte>(320);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", result.Id);
            writer.WriteString("ts", FormatTimestamp(result.Timestamp));
            writer.WriteNumber("seq", result.Seq);
            writer.WriteString("node", nodeId);
            writer.WriteString("model", result.ModelId);
            if (result.ModelVersion is null)
            {
                writer.WriteNull("modelVersion");
            }
            else
            {
                writer.WriteString("modelVersion", result.ModelVersion);
            }

            if (result.Label is null)
            {
                writer.WriteNull("label");
            }
            else
            {
                writer.WriteString("label", result.Label);
            }

            if (result.Confidence is { } confidence)
            {
                writer.WriteNumber("confidence", Math.Round(confidence, 4));
            }
            else
            {
                writer.WriteNull("confidence");
            }

            if (result.HeadVersion is { } headVersion)
            {
                writer.WriteNumber("headVersion", headVersion);
            }
            else
            {
                writer.WriteNull("headVersion");
            }

            writer.WriteNumber("novelty", Math.Round(result.Novelty, 5));
            writer.WriteNumber("frameSeq", result.FrameSeq);
            writer.WriteNumber("latencyMs", Math.Round(result.LatencyMs, 2));
            writer.WriteBoolean("cached", result.Cached);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>UTC ISO-8601 with milliseconds and a <c>Z</c> suffix.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
