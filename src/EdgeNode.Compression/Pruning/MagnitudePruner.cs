namespace EdgeNode.Compression.Pruning;

/// <summary>
/// Unstructured magnitude pruning: in every Conv, Gemm and MatMul weight, the smallest-magnitude fraction
/// <c>sparsity</c> of the values is set to zero. The dense file does not shrink; a general-purpose
/// compressor (as used for over-the-air updates) does.
/// </summary>
internal static class MagnitudePruner
{
    /// <summary>Returns the fraction of prunable weights that are zero afterwards.</summary>
    public static double Apply(GraphProto graph, double sparsity)
    {
        if (sparsity is < 0 or >= 1)
        {
            throw new CompressionException($"Sparsity must be in [0, 1); got {sparsity}.");
        }

        var view = new GraphView(graph);
        long zeros = 0, total = 0;
        var weightNames = graph.Node.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul" && n.Input.Count > 1)
            .Select(n => n.Input[1]).Where(view.IsInitializer).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in weightNames)
        {
            var weights = Tensors.ToFloats(view.Initializers[name]);
            var prune = (int)Math.Floor(weights.Length * sparsity);
            if (prune > 0)
            {
                var magnitudes = weights.Select(Math.Abs).ToArray();
                Array.Sort(magnitudes);
                var threshold = magnitudes[prune - 1];
                var pruned = 0;
                for (var i = 0; i < weights.Length && pruned < prune; i++)
                {
                    if (Math.Abs(weights[i]) <= threshold)
                    {
                        weights[i] = 0;
                        pruned++;
                    }
                }

                view.ReplaceInitializer(name, Tensors.FromFloats(name, weights, [.. view.Initializers[name].Dims]));
            }

            zeros += weights.Count(w => w == 0);
            total += weights.Length;
        }

        return total == 0 ? 0 : (double)zeros / total;
    }
}
