namespace EdgeNode.Compression.Cli;

/// <summary>What <c>edgenode bench</c> measured.</summary>
/// <param name="Provider">The execution provider the node's chain settled on (lower case: cpu, cuda, tensorrt).</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Warmup">Untimed runs per model.</param>
/// <param name="Models">One entry per model, in command-line order.</param>
/// <param name="Ratio">With two or three models: the first model's median latency divided by the second's.</param>
/// <param name="PeakRssBytes">Peak resident set size of the process.</param>
/// <param name="Ratios">The first model's median latency divided by each later model's (speed-ups over the first).</param>
public sealed record BenchReport(string Provider, int Threads, int Warmup, IReadOnlyList<BenchModelResult> Models, double? Ratio, long PeakRssBytes, IReadOnlyList<double>? Ratios = null);
