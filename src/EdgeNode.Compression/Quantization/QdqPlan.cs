namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Decides which activation tensors of a float graph get a QuantizeLinear/DequantizeLinear pair so that
/// ONNX Runtime turns the quantizable ops into integer kernels.
/// </summary>
internal static class QdqPlan
{
    /// <summary>Ops with a QDQ integer kernel in ONNX Runtime (QLinearConv, QGemm, QLinearMatMul, QLinearAdd, QLinearAveragePool…).</summary>
    public static readonly HashSet<string> QuantizableOps = new(StringComparer.Ordinal)
    {
        "Conv", "Gemm", "MatMul", "Add", "Mul", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat",
    };

    /// <summary>Ops whose weight (input 1) and bias (input 2) are initializers quantized offline.</summary>
    public static readonly HashSet<string> WeightedOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    /// <summary>Ops that only move values: their output reuses the input's parameters so ORT can drop the pair.</summary>
    public static readonly HashSet<string> PassThroughOps = new(StringComparer.Ordinal)
    {
        "MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze",
    };

    /// <summary>Activations ORT folds into the preceding kernel when the following Q clamps at the type minimum.</summary>
    private static readonly HashSet<string> s_fusedActivations = new(StringComparer.Ordinal) { "Relu" };

    /// <summary>The activation tensors to calibrate and quantize, in graph order.</summary>
    public static IReadOnlyList<string> ActivationTensors(GraphProto graph)
    {
        var view = new GraphView(graph);
        var ordered = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name)
        {
            if (name.Length > 0 && !view.IsInitializer(name) && seen.Add(name))
            {
                ordered.Add(name);
            }
        }

        foreach (var node in graph.Node.Where(n => IsQuantizable(n, view)))
        {
            var weighted = WeightedOps.Contains(node.OpType);
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (!(weighted && i == 2))
                {
                    Add(node.Input[i]);
                }
            }

            var output = node.Output[0];
            var consumers = view.ConsumersOf(output);
            if (!view.GraphOutputs.Contains(output) && consumers.Count == 1 && s_fusedActivations.Contains(consumers[0].OpType))
            {
                output = consumers[0].Output[0];
            }

            if (!view.GraphOutputs.Contains(output))
            {
                Add(output);
            }
        }

        return ordered;
    }

    /// <summary>Ops left in float, by type (reported to the user).</summary>
    public static IReadOnlyList<string> FloatOps(GraphProto graph)
    {
        var view = new GraphView(graph);
        return [.. graph.Node.Where(n => !IsQuantizable(n, view) && !s_fusedActivations.Contains(n.OpType))
            .Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal)];
    }

    public static bool IsQuantizable(NodeProto node, GraphView view)
    {
        if (node.Domain is not ("" or "ai.onnx") || !QuantizableOps.Contains(node.OpType))
        {
            return false;
        }

        return node.OpType switch
        {
            // Integer kernels need constant weights; Gemm only in its plain form.
            "Conv" => view.IsInitializer(node.Input[1]),
            "Gemm" => view.IsInitializer(node.Input[1]) && GraphView.GetInt(node, "transA", 0) == 0
                && GraphView.GetFloat(node, "alpha", 1f) == 1f && GraphView.GetFloat(node, "beta", 1f) == 1f,

            // Element-wise ops with a constant operand would need it quantized too; keep those in float.
            "Add" or "Mul" or "Concat" => !node.Input.Any(view.IsInitializer),
            _ => true,
        };
    }
}
