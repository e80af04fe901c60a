namespace EdgeNode.Compression.Evaluation;

/// <summary>Kernel time of one node as ONNX Runtime ran it (after its graph optimizations).</summary>
/// <param name="Node">The node's name in the optimized graph (a fused node keeps the name of the node it absorbed the others into).</param>
/// <param name="Op">Its operator type.</param>
/// <param name="MsPerRun">Mean kernel time per run, the first (warm-up) run left out.</param>
public sealed record LayerTime(string Node, string Op, double MsPerRun);
