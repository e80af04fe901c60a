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

    /// <summary>
    /// The body of <c>{"id","ts","node","type":"dead-lettered","itemId","kind","itemSeq","topic","reason"}</c>: a stored item
    /// the broker refused, taken out of the queue.
    /// </summary>
    public static void WriteDeadLettered(Utf8JsonWriter writer, (OutboxMessage Refused, string Reason) item)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("type", "dead-lettered");
        writer.WriteString("itemId", item.Refused.Id);
        writer.WriteString("kind", item.Refused.Kind.ToString().ToLowerInvariant());
        writer.WriteNumber("itemSeq", item.Refused.Seq);
        writer.WriteString("topic", item.Refused.Topic);
        writer.WriteString("reason", item.Reason);
    }
}
