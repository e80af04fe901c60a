using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Split;

namespace EdgeNode.Compression.Tests;

public sealed class SplitPlannerTests
{
    // A chain a -> b -> c -> d of four nodes, 10 ms each on this board, cut after a, b or c with 1 MB activations.
    private static readonly IReadOnlyDictionary<string, string> s_names = SplitPlanner.NodeNames(
        new[] { "a", "b", "c", "d" }.Select(n => (n, (IEnumerable<string>)[n + "_out"])));

    private static readonly List<(string, IReadOnlyList<long>, long, IReadOnlySet<string>)> s_cuts =
    [
        ("a_out", [1, 250_000], 1_000_000, new HashSet<string> { "a" }),
        ("b_out", [1, 250_000], 1_000_000, new HashSet<string> { "a", "b" }),
        ("c_out", [1, 250_000], 1_000_000, new HashSet<string> { "a", "b", "c" }),
    ];

    // Profiled names as ORT writes them: one by node name, the others after a fused chain's output tensor.
    private static readonly LayerTime[] s_layers =
        [new("a", "FusedConv", 10), new("b_out_nchwc", "Conv", 10), new("c_out_nchwc", "Conv", 10), new("d_token_3", "Relu", 10)];

    [Fact]
    public void Candidates_PredictHeadLinkAndTailPerCut()
    {
        var candidates = SplitPlanner.Candidates(s_cuts, s_layers, s_names, link: 1000, peerSpeed: 2, jpegBytes: 50_000);

        Assert.Equal(["none", "jpeg", "tensor", "tensor", "tensor"], candidates.Select(c => c.Kind));
        var b = candidates.Single(c => c.Tensor == "b_out");
        Assert.Equal(20, b.HeadMs, 6);
        Assert.Equal(8, b.LinkMs, 6); // 1 MB at 1 Gbit/s
        Assert.Equal(10, b.TailMs, 6); // 20 ms of tail on a 2x peer
        Assert.Equal(50, b.ThroughputPerSecond, 6);
        Assert.Equal(38, b.LatencyMs, 6);
        Assert.Equal(0.4, candidates.Single(c => c.Kind == "jpeg").LinkMs, 6);
    }

    [Fact]
    public void Choose_Throughput_PicksTheBalancedCutAndLatencyPicksTheShortestPath()
    {
        // A 1x peer over a slow link: the middle cut balances 20 ms | 8 ms | 20 ms; latency alone favours staying local.
        var candidates = SplitPlanner.Candidates(s_cuts, s_layers, s_names, link: 1000, peerSpeed: 1, jpegBytes: 5_000_000);
        var (best, reason) = SplitPlanner.Choose(candidates, "throughput", 1000, 1);
        Assert.Equal("b_out", best.Tensor);
        Assert.Contains("all local", reason, StringComparison.Ordinal);
        Assert.Equal("none", SplitPlanner.Choose(candidates, "latency", 1000, 1).Best.Kind);

        // A fast peer and a small JPEG: sending the frame wins both ways.
        candidates = SplitPlanner.Candidates(s_cuts, s_layers, s_names, link: 1000, peerSpeed: 8, jpegBytes: 20_000);
        Assert.Equal("jpeg", SplitPlanner.Choose(candidates, "throughput", 1000, 8).Best.Kind);
        Assert.Equal("jpeg", SplitPlanner.Choose(candidates, "latency", 1000, 8).Best.Kind);
    }
}
