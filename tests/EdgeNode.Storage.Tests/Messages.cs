using System.Text;
using EdgeNode.Core;

namespace EdgeNode.Storage.Tests;

/// <summary>Builds outbox messages shaped like the node's (JSON payload with id and seq).</summary>
internal static class Messages
{
    public static PendingMessage Result(long seq, DateTimeOffset at, int payloadBytes = 200) => Create(MessageKind.Result, "edgenode/n1/results", seq, at, payloadBytes);

    public static PendingMessage Event(long seq, DateTimeOffset at, int payloadBytes = 200) => Create(MessageKind.Event, "edgenode/n1/events", seq, at, payloadBytes);

    public static PendingMessage Sensor(long seq, DateTimeOffset at, int payloadBytes = 200) => Create(MessageKind.Sensor, "edgenode/n1/sensors/t", seq, at, payloadBytes);

    public static PendingMessage Create(MessageKind kind, string topic, long seq, DateTimeOffset at, int payloadBytes)
    {
        var id = $"{kind}-{seq:D10}";
        var json = $"{{\"id\":\"{id}\",\"seq\":{seq},\"pad\":\"{new string('x', Math.Max(0, payloadBytes - 40))}\"}}";
        return new PendingMessage(id, kind, topic, Encoding.UTF8.GetBytes(json), at, seq);
    }

    public static long SeqOf(OutboxMessage message)
    {
        var json = Encoding.UTF8.GetString(message.Payload.Span);
        var start = json.IndexOf("\"seq\":", StringComparison.Ordinal) + 6;
        var end = json.IndexOf(',', start);
        return long.Parse(json[start..end], System.Globalization.CultureInfo.InvariantCulture);
    }
}
