using System.Text.Json;

namespace EdgeNode.Outbox;

/// <summary>Events the outbox itself raises on <c>{prefix}/{node}/events</c> (docs/storage.md).</summary>
public static class OutboxEventJson
{
    /// <summary>
    /// The body of <c>{"id","ts","seq","node","type":"outbox-dropped","dropped"}</c>: undelivered items the size cap
    /// dropped since the previous report.
    /// </summary>
    public static void WriteDropped(Utf8JsonWriter writer, long dropped)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("type", "outbox-dropped");
        writer.WriteNumber("dropped", dropped);
    }
}
