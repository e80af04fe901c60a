using System.Globalization;
using EdgeNode.Compression.Evaluation;

namespace EdgeNode.Compression.Split;

/// <summary>
/// Predicts each offered cut's head, link and tail time from this board's per-layer times, the link's bandwidth and
/// the peer's speed, and picks the one that maximises pipelined throughput (the slowest stage) or minimises latency.
/// </summary>
internal static class SplitPlanner
{
    /// <summary>The candidates: no cut, JPEG offload and every tensor cut in graph order.</summary>
    /// <param name="cuts">Each cut tensor with its shape, int8 bytes and the names of its head's nodes.</param>
    /// <param name="layers">This board's per-node times (names as ORT ran them).</param>
    /// <param name="graphNodes">The names of the graph's nodes, to attribute profiled nodes to.</param>
    /// <param name="link">The link's bandwidth in Mbit/s.</param>
    /// <param name="peerSpeed">How many times faster the peer runs a node than this board.</param>
    /// <param name="jpegBytes">Bytes of one encoded frame.</param>
    public static IReadOnlyList<SplitCandidate> Candidates(
        IReadOnlyList<(string Tensor, IReadOnlyList<long> Shape, long Bytes, IReadOnlySet<string> HeadNodes)> cuts,
        IReadOnlyList<LayerTime> layers,
        IReadOnlyList<string> graphNodes,
        double link,
        double peerSpeed,
        long jpegBytes)
    {
        var total = layers.Sum(l => l.MsPerRun);
        var owners = layers.Select(l => Owner(l.Node, graphNodes)).ToList();
        var matched = layers.Where((_, i) => owners[i] is not null).Sum(l => l.MsPerRun);

        // Time ORT spent in nodes it renamed beyond recognition is spread over the rest in proportion.
        var scale = matched > 0 ? total / matched : 1;
        double LinkMs(long bytes) => bytes * 8.0 / (link * 1e6) * 1000.0;
        var candidates = new List<SplitCandidate>
        {
            new("none", null, null, null, 0, total, 0, 0),
            new("jpeg", null, null, null, jpegBytes, 0, LinkMs(jpegBytes), total / peerSpeed),
        };
        for (var c = 0; c < cuts.Count; c++)
        {
            var head = layers.Where((_, i) => owners[i] is { } o && cuts[c].HeadNodes.Contains(o)).Sum(l => l.MsPerRun) * scale;
            head = Math.Min(head, total);
            candidates.Add(new("tensor", cuts[c].Tensor, c, cuts[c].Shape, cuts[c].Bytes, head, LinkMs(cuts[c].Bytes), (total - head) / peerSpeed));
        }

        return candidates;
    }

    /// <summary>The best candidate for <paramref name="objective"/> (<c>throughput</c> or <c>latency</c>) and why, in one sentence.</summary>
    public static (SplitCandidate Best, string Reason) Choose(IReadOnlyList<SplitCandidate> candidates, string objective, double link, double peerSpeed)
    {
        var best = objective == "latency"
            ? candidates.OrderBy(c => c.LatencyMs).ThenByDescending(c => c.ThroughputPerSecond).First()
            : candidates.OrderByDescending(c => c.ThroughputPerSecond).ThenBy(c => c.LatencyMs).First();
        var local = candidates.First(c => c.Kind == "none");
        var jpeg = candidates.First(c => c.Kind == "jpeg");
        var bottleneck = best.HeadMs >= best.LinkMs && best.HeadMs >= best.TailMs ? "this board" : best.LinkMs >= best.TailMs ? "the link" : "the peer";
        var c = CultureInfo.InvariantCulture;
        var reason = objective == "latency"
            ? string.Create(c, $"{best.Name}: {best.LatencyMs:F2} ms per frame (head {best.HeadMs:F2} + link {best.LinkMs:F2} + tail {best.TailMs:F2}) against {local.LatencyMs:F2} ms all local and {jpeg.LatencyMs:F2} ms sending the JPEG, at {link:G4} Mbit/s to a {peerSpeed:G3}x peer")
            : string.Create(c, $"{best.Name}: {best.ThroughputPerSecond:F1} frames/s pipelined, paced by {bottleneck} (head {best.HeadMs:F2} ms, link {best.LinkMs:F2} ms for {best.Bytes:N0} B, tail {best.TailMs:F2} ms) against {local.ThroughputPerSecond:F1}/s all local and {jpeg.ThroughputPerSecond:F1}/s sending the JPEG, at {link:G4} Mbit/s to a {peerSpeed:G3}x peer");
        return (best, reason);
    }

    // The graph node a profiled node came from: the same name, or the longest graph name it starts with (ORT
    // appends suffixes to the nodes it fuses or quantizes).
    private static string? Owner(string profiled, IReadOnlyList<string> graphNodes)
    {
        string? owner = null;
        foreach (var name in graphNodes)
        {
            if (name.Length > 0 && profiled.StartsWith(name, StringComparison.Ordinal) && (owner is null || name.Length > owner.Length))
            {
                owner = name;
            }
        }

        return owner;
    }
}
