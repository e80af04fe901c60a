using System.Text;
using EdgeNode.Core;

namespace EdgeNode.Storage.Benchmarks;

/// <summary>Result messages shaped like the node's (same JSON fields and size).</summary>
internal static class Payloads
{
    public static PendingMessage Result(long seq, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now).ToString("N");
        return new PendingMessage(id, MessageKind.Result, "edgenode/bench/results", Json(id, seq, now), now, seq);
    }

    public static byte[] Json(string id, long seq, DateTimeOffset now) => Encoding.UTF8.GetBytes(
        $"{{\"id\":\"{id}\",\"ts\":\"{now:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"seq\":{seq},\"node\":\"bench\",\"model\":\"resnet18-fp32\",\"label\":null,\"confidence\":null,\"novelty\":0.12345,\"frameSeq\":{seq},\"latencyMs\":74.21,\"cached\":false}}");
}
