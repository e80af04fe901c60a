using EdgeNode.Compression.Evaluation;

namespace EdgeNode.Compression.Cli;

/// <summary>One model's numbers in a <see cref="BenchReport"/>.</summary>
/// <param name="Model">Model path.</param>
/// <param name="SizeBytes">File size.</param>
/// <param name="SessionCreationMs">Time to create the ONNX Runtime session (load and optimize).</param>
/// <param name="Latency">Latency of the timed runs.</param>
/// <param name="Profile">With <c>--profile</c>: kernel time per run by operator type (warm-up runs included), largest first.</param>
/// <param name="Inputs">What fed each input: <c>name type[shape] fill-or-file</c> (<c>input_ids int64[1x128] tokens:30522</c>).</param>
/// <param name="Layers">With <c>--per-layer</c>: each node's kernel time per run in execution order (first run left out).</param>
public sealed record BenchModelResult(string Model, long SizeBytes, double SessionCreationMs, LatencyStats Latency, IReadOnlyList<OpTime>? Profile = null, IReadOnlyList<string>? Inputs = null, IReadOnlyList<LayerTime>? Layers = null);
