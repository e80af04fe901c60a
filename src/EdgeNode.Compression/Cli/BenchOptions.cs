namespace EdgeNode.Compression.Cli;

/// <summary>
/// The parsed (<see cref="BenchCommand.Create"/>) <c>edgenode bench &lt;model.onnx&gt; [&lt;model2.onnx&gt;] [--threads N]
/// [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] [--profile] [--json]</c> command line.
/// </summary>
/// <param name="Models">One model, or two measured interleaved to compare.</param>
/// <param name="Threads">Intra-op threads per session.</param>
/// <param name="Runs">Measured runs per model.</param>
/// <param name="Warmup">Runs per model before measuring.</param>
/// <param name="Provider">Execution provider: <c>cpu</c>, <c>cuda</c> or <c>tensorrt</c>.</param>
/// <param name="Profile">Report kernel time by operator type (ONNX Runtime profiling).</param>
/// <param name="Json">Print the report as JSON.</param>
public sealed record BenchOptions(IReadOnlyList<string> Models, int Threads, int Runs, int Warmup, string Provider, bool Profile, bool Json);
