using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Cli;

/// <summary>The parsed <c>edgenode bench</c> command line.</summary>
/// <param name="Models">One model, or two or three to compare (interleaved).</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Runs">Timed runs per model.</param>
/// <param name="Warmup">Untimed runs per model.</param>
/// <param name="Providers">The provider chain, with the node's fallback.</param>
/// <param name="Profile">Per-op kernel time from ORT's profiler.</param>
/// <param name="Json">JSON report.</param>
/// <param name="Shapes">Open dimensions per input (<c>--shape input_ids=1x128</c>).</param>
/// <param name="Fills">Values per input (<c>--input input_ids=tokens:30522</c>).</param>
/// <param name="InputsDirectory">Real inputs from tensor files (<c>--inputs &lt;dir&gt;</c>).</param>
/// <param name="PerLayer">Per-node kernel time from ORT's profiler, in execution order.</param>
internal sealed record BenchOptions(
    IReadOnlyList<string> Models,
    int Threads,
    int Runs,
    int Warmup,
    IReadOnlyList<string> Providers,
    bool Profile,
    bool Json,
    IReadOnlyDictionary<string, long[]> Shapes,
    IReadOnlyDictionary<string, InputFill> Fills,
    string? InputsDirectory,
    bool PerLayer = false)
{
    /// <summary>The node's chain from the named provider down: tensorrt → TensorRT, CUDA, CPU; cuda → CUDA, CPU; cpu → CPU.</summary>
    internal static IReadOnlyList<string> Chain(string provider) => provider switch
    {
        "tensorrt" => ["TensorRT", "CUDA", "CPU"],
        "cuda" => ["CUDA", "CPU"],
        "cpu" => ["CPU"],
        _ => throw new ArgumentException($"Unknown provider '{provider}' (cpu, cuda or tensorrt)."),
    };
}
