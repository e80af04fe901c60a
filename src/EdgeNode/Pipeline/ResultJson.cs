using EdgeNode.Outbox;

namespace EdgeNode.Pipeline;

/// <summary>
/// The body of the <c>results</c> message (docs/mqtt.md) after its envelope (<c>id</c>, <c>ts</c> = capture time,
/// <c>seq</c>, <c>node</c>); the stored payload is exactly the published one.
/// </summary>
public static class ResultJson
{
    /// <summary>The whole <c>results</c> message of <paramref name="result"/>, envelope included (the web page's live view).</summary>
    public static byte[] Serialize(InferenceResult result, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(result);
        return MessageEnvelope.Serialize(new Envelope(result.Id, result.Timestamp, result.Seq, nodeId), result, WriteBody);
    }

    /// <summary>Writes <paramref name="result"/>'s fields into the open message object.</summary>
    public static void WriteBody(Utf8JsonWriter writer, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteString("model", result.ModelId);
        WriteNullable(writer, "modelVersion", result.ModelVersion);
        WriteNullable(writer, "label", result.Label);
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
        WriteNullable(writer, "camera", result.Camera);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
