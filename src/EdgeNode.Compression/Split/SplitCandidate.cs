namespace EdgeNode.Compression.Split;

/// <summary>One way to share a frame's work between this board (head) and a peer (tail), with its predicted cost.</summary>
/// <param name="Kind"><c>none</c> (all local), <c>jpeg</c> (send the encoded frame, the peer runs everything) or <c>tensor</c> (a cut).</param>
/// <param name="Tensor">The cut tensor, for <c>tensor</c>.</param>
/// <param name="Position">Order of the cut in the graph (0 = first node), for <c>tensor</c>.</param>
/// <param name="Shape">The activation's shape, for <c>tensor</c>.</param>
/// <param name="Bytes">Bytes per frame over the link (int8 activation, JPEG size, or 0).</param>
/// <param name="HeadMs">Predicted time on this board per frame.</param>
/// <param name="LinkMs">Time on the link per frame (bytes / bandwidth).</param>
/// <param name="TailMs">Predicted time on the peer per frame (this board's time for the tail / peer speed).</param>
public sealed record SplitCandidate(string Kind, string? Tensor, int? Position, IReadOnlyList<long>? Shape, long Bytes, double HeadMs, double LinkMs, double TailMs)
{
    /// <summary>Frames per second with the stages pipelined: the slowest stage sets the pace.</summary>
    public double ThroughputPerSecond => 1000.0 / Math.Max(1e-9, Math.Max(HeadMs, Math.Max(LinkMs, TailMs)));

    /// <summary>One frame's latency: the stages one after the other.</summary>
    public double LatencyMs => HeadMs + LinkMs + TailMs;

    /// <summary>The display name: the tensor, or <c>(no cut)</c> / <c>(jpeg offload)</c>.</summary>
    public string Name => Kind switch
    {
        "none" => "(no cut)",
        "jpeg" => "(jpeg offload)",
        _ => Tensor!,
    };
}
