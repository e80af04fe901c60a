namespace EdgeNode.Compression.Quantization;

/// <summary>
/// A MatMul, or a plain Gemm (<c>transA=0, alpha=1</c>), whose second operand is a constant 2-D weight: the layers
/// that weight quantization rewrites. Every other MatMul/Gemm stays float, with the reason (the op that computes
/// its second operand, e.g. attention's Q·Kᵀ), so the report says which part of a chain was not quantized and why.
/// </summary>
/// <param name="Node">The MatMul or Gemm.</param>
/// <param name="Weights">The weight as [K, N] (a Gemm's <c>transB</c> undone).</param>
/// <param name="K">Input features.</param>
/// <param name="N">Output features.</param>
/// <param name="Bias">A Gemm's bias input, or null.</param>
/// <param name="Beta">A Gemm's bias factor.</param>
internal sealed record WeightedMatMul(NodeProto Node, float[] Weights, int K, int N, string? Bias, float Beta)
{
    public static (List<WeightedMatMul> Layers, List<string> KeptInFloat) Find(GraphView view)
    {
        var layers = new List<WeightedMatMul>();
        var kept = new List<string>();
        foreach (var node in view.Graph.Node.Where(n => n.OpType is "MatMul" or "Gemm" && n.Domain is "" or "ai.onnx"))
        {
            var name = $"{node.OpType} '{(node.Name.Length > 0 ? node.Name : node.Output[0])}'";
            if (!view.Initializers.TryGetValue(node.Input[1], out var weight))
            {
                var source = view.Producers.TryGetValue(node.Input[1], out var producer)
                    ? $"computed by {producer.OpType} (an activation, as in attention), not a constant weight"
                    : "a graph input, not a constant weight";
                kept.Add($"{name}: second operand {source}");
                continue;
            }

            if (weight.Dims.Count != 2 || weight.DataType != Tensors.Float)
            {
                kept.Add($"{name}: weight is a {weight.Dims.Count}-D {(Inputs.ElementTypes.Name(weight.DataType))} tensor, not a 2-D float matrix");
                continue;
            }

            if (node.OpType == "Gemm" && (GraphView.GetInt(node, "transA", 0) != 0 || GraphView.GetFloat(node, "alpha", 1f) != 1f))
            {
                kept.Add($"{name}: transA or alpha ≠ 1 has no integer kernel");
                continue;
            }

            var weights = Tensors.ToFloats(weight);
            int k = (int)weight.Dims[0], n = (int)weight.Dims[1];
            if (node.OpType == "Gemm" && GraphView.GetInt(node, "transB", 0) != 0)
            {
                weights = Transpose(weights, k, n);
                (k, n) = (n, k);
            }

            var bias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            layers.Add(new WeightedMatMul(node, weights, k, n, bias, GraphView.GetFloat(node, "beta", 1f)));
        }

        return (layers, kept);
    }

    /// <summary>Replaces <see cref="Node"/> in the graph by <paramref name="added"/> (the last one writing its output), adding the Gemm bias.</summary>
    public void Replace(GraphView view, List<NodeProto> added, string product, Func<string, string> name)
    {
        var output = Node.Output[0];
        if (Bias is { } bias)
        {
            if (Beta != 1f)
            {
                var betaName = name("beta");
                view.AddInitializer(Tensors.FromFloats(betaName, [Beta]));
                var scaledBias = name("bias_scaled");
                added.Add(QdqQuantizer.Node("Mul", name("BiasMul"), [bias, betaName], scaledBias));
                bias = scaledBias;
            }

            added.Add(QdqQuantizer.Node("Add", name("BiasAdd"), [product, bias], output));
        }

        var graph = view.Graph;
        var index = graph.Node.IndexOf(Node);
        graph.Node.RemoveAt(index);
        for (var i = 0; i < added.Count; i++)
        {
            graph.Node.Insert(index + i, added[i]);
        }
    }

    /// <summary>The tensor the rewritten layer's last node writes before any bias: the output itself when there is no bias.</summary>
    public string ProductName(Func<string, string> name) => Bias is null ? Node.Output[0] : name("product");

    private static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = values[(r * cols) + c];
            }
        }

        return result;
    }
}
