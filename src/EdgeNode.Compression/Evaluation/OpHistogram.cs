namespace EdgeNode.Compression.Evaluation;

/// <summary>Counts the ops of a model as ONNX Runtime runs it, by dumping the optimized graph.</summary>
internal static class OpHistogram
{
    public static IReadOnlyDictionary<string, int> AfterOptimization(byte[] model, int threads)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgenode-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (new ModelSession(model, SessionSettings.Cpu(threads) with { OptimizedModelPath = path }))
            {
            }

            var optimized = OnnxModelFile.Load(path);
            return optimized.Graph.Node
                .GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}", StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Ops that run convolutions or matrix products on integers.</summary>
    public static int IntegerKernels(IReadOnlyDictionary<string, int> histogram) =>
        histogram.Where(kv => kv.Key.EndsWith("QLinearConv", StringComparison.Ordinal)
                || kv.Key.EndsWith("ConvInteger", StringComparison.Ordinal)
                || kv.Key.EndsWith("MatMulInteger", StringComparison.Ordinal)
                || kv.Key.EndsWith("QLinearMatMul", StringComparison.Ordinal)
                || kv.Key.EndsWith("QGemm", StringComparison.Ordinal)
                || kv.Key.EndsWith("MatMulIntegerToFloat", StringComparison.Ordinal)
                || kv.Key.EndsWith("DynamicQuantizeMatMul", StringComparison.Ordinal))
            .Sum(kv => kv.Value);
}
