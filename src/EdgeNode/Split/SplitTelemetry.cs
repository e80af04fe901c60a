namespace EdgeNode.Split;

/// <summary>Split inference in the telemetry message (<c>split</c>, <c>splitPeer</c>, … in docs/mqtt.md).</summary>
/// <param name="Mode"><c>active</c> or <c>degraded</c> (head), <c>serving</c> (tail).</param>
/// <param name="Peer">The head's tail.</param>
/// <param name="Reason">Why a head is degraded.</param>
/// <param name="RemoteFrames">Frames the tail finished for this head.</param>
/// <param name="LocalFrames">Frames this head ran whole because the tail could not.</param>
/// <param name="CachedFrames">Frames the tail did not finish that reused their camera's last result (<c>Fallback=cached</c>).</param>
/// <param name="TailFrames">Frames this tail finished for its heads.</param>
/// <param name="Streams">Heads streaming to this tail.</param>
public sealed record SplitTelemetry(string Mode, string? Peer, string? Reason, long RemoteFrames, long LocalFrames, long CachedFrames, long TailFrames, int Streams)
{
    internal static SplitTelemetry? Of(SplitStatus status) => status.Role is "head" or "tail"
        ? new SplitTelemetry(status.Mode, status.Peer, status.Reason, status.RemoteFrames, status.LocalFrames, status.CachedFrames, status.TailFrames, status.Streams)
        : null;
}
