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
    /// <param name="graphNames">Each node name and output tensor name of the graph, with the node it belongs to (<see cref="NodeNames"/>).</param>
    /// <param name="link">The link's bandwidth in Mbit/s.</param>
    /// <param name="peerSpeed">How many times faster the peer runs a node than this board.</param>
    /// <param name="jpegBytes">Bytes of one encoded frame.</param>
    public static IReadOnlyList<SplitCandidate> Candidates(
        IReadOnlyList<(string Tensor, IReadOnlyList<long> Shape, long Bytes, IReadOnlySet<string> HeadNodes)> cuts,
        IReadOnlyList<LayerTime> layers,
        IReadOnlyDictionary<string, string> graphNames,
        double link,
        double peerSpeed,
        long jpegBytes)
    {
        var total = layers.Sum(l => l.MsPerRun);
        var owners = layers.Select(l => Owner(l.Node, graphNames)).ToList();
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

    /// <summary>Node names and output tensor names, each with the node's name: what profiled names are matched against.</summary>
    public static IReadOnlyDictionary<string, string> NodeNames(IEnumerable<(string Node, IEnumerable<string> Outputs)> nodes)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (node, outputs) in nodes)
        {
            foreach (var output in outputs.Where(o => o.Length > 0))
            {
                names.TryAdd(output, node);
            }

            if (node.Length > 0)
            {
                names[node] = node;
            }
        }

        return names;
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

    // The graph node a profiled node came from: the longest graph node name or output tensor name it starts with.
    // ORT appends suffixes to nodes it fuses or quantizes, and its NCHWc pass names a fused chain after the chain's
    // output (Relu8_out_nchwc), so the time of a fused chain counts at its last node.
    private static string? Owner(string profiled, IReadOnlyDictionary<string, string> names)
    {
        string? owner = null;
        var length = 0;
        foreach (var (name, node) in names)
        {
            if (name.Length > length && profiled.StartsWith(name, StringComparison.Ordinal))
            {
                (owner, length) = (node, name.Length);
            }
        }

        return owner;
    }
}
