namespace EdgeNode.Compression.Transforms;

/// <summary>
/// Raises the default-domain opset to 13 (per-channel QuantizeLinear/DequantizeLinear need it) when every
/// op in the graph has the same meaning at 13 as at the model's opset. Anything else is refused with
/// the list of ops, rather than converted wrongly.
/// </summary>
internal static class OpsetUpgrader
{
    public const long TargetOpset = 13;

    // Ops whose semantics did not change between opset 7 and 13 (attributes only added with defaults).
    private static readonly HashSet<string> s_unchanged = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Add", "Sub", "Mul", "Div", "Sum",
        "Max", "Min", "Abs", "Neg", "Exp", "Sqrt", "MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool", "Gemm", "MatMul", "Flatten", "Concat", "Transpose", "Identity", "Reshape",
        "BatchNormalization", "Shape", "Gather", "Cast", "PRelu",
    };

    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    public static void Upgrade(ModelProto model)
    {
        var opset = DefaultOpset(model);
        if (opset >= TargetOpset)
        {
            return;
        }

        if (opset < 7)
        {
            throw new CompressionException($"The model uses opset {opset}; only opset 7 or later can be upgraded.");
        }

        var unsupported = model.Graph.Node
            .Where(n => n.Domain is "" or "ai.onnx" && !s_unchanged.Contains(n.OpType))
            .Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal).ToList();
        if (unsupported.Count > 0)
        {
            throw new CompressionException($"Cannot upgrade opset {opset} to {TargetOpset}: no upgrade rule for {string.Join(", ", unsupported)}.");
        }

        foreach (var node in model.Graph.Node.Where(n => n.OpType == "BatchNormalization"))
        {
            var spatial = node.Attribute.FirstOrDefault(a => a.Name == "spatial");
            if (spatial is not null)
            {
                if (spatial.I != 1)
                {
                    throw new CompressionException($"BatchNormalization '{node.Name}' uses spatial=0, which opset {TargetOpset} cannot express.");
                }

                node.Attribute.Remove(spatial);
            }
        }

        foreach (var import in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx"))
        {
            import.Version = TargetOpset;
        }

        model.IrVersion = Math.Max(model.IrVersion, 7);
    }
}
