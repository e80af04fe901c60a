using EdgeNode.Compression.Evaluation;

namespace EdgeNode.Compression.Cli;

/// <summary>One model's numbers in a <see cref="BenchReport"/>.</summary>
/// <param name="Model">Model path.</param>
/// <param name="SizeBytes">File size.</param>
/// <param name="SessionCreationMs">Time to create the ONNX Runtime session (load and optimize).</param>
/// <param name="Latency">Latency of the timed runs.</param>
/// <param name="Profile">With <c>--profile</c>: kernel time per run by operator type (warm-up runs included), largest first.</param>
public sealed record BenchModelResult(string Model, long SizeBytes, double SessionCreationMs, LatencyStats Latency, IReadOnlyList<OpTime>? Profile = null);
