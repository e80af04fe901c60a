using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;

namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Dynamic quantization of MatMul/Gemm layers with constant weights (PyTorch's <c>quantize_dynamic</c> for
/// Linear): weights become per-column symmetric int8 offline; at run time the input is quantized to uint8
/// by DynamicQuantizeLinear, multiplied by MatMulInteger and rescaled to float. ORT fuses the pattern
/// into its DynamicQuantizeMatMul kernel.
/// </summary>
internal static class DynamicQuantizer
{
    /// <summary>Returns the number of layers quantized.</summary>
    public static int Apply(ModelProto model)
    {
        if (Transforms.OpsetUpgrader.DefaultOpset(model) < 11)
        {
            throw new CompressionException("Dynamic quantization needs opset 11 or later (DynamicQuantizeLinear); upgrade the model first.");
        }

        var graph = model.Graph;
        var view = new GraphView(graph);
        var count = 0;
        foreach (var node in graph.Node.Where(n => n.OpType is "MatMul" or "Gemm" && n.Domain is "" or "ai.onnx").ToList())
        {
            if (!view.Initializers.TryGetValue(node.Input[1], out var weightTensor) || weightTensor.Dims.Count != 2
                || (node.OpType == "Gemm" && (GraphView.GetInt(node, "transA", 0) != 0 || GraphView.GetFloat(node, "alpha", 1f) != 1f)))
            {
                continue;
            }

            var weights = Tensors.ToFloats(weightTensor);
            var rows = (int)weightTensor.Dims[0];
            var cols = (int)weightTensor.Dims[1];
            if (node.OpType == "Gemm" && GraphView.GetInt(node, "transB", 0) != 0)
            {
                weights = Transpose(weights, rows, cols);
                (rows, cols) = (cols, rows);
            }

            // Weight [K, N] viewed as [K, N, 1]: one scale per output column.
            var (values, scales) = WeightQuantizer.Quantize(weights, rows, cols, 1);
            var stem = node.Name.Length > 0 ? node.Name : node.Output[0];
            var output = node.Output[0];
            string Name(string suffix) => view.UniqueName($"{stem}_{suffix}");
            var wq = Name("weight_quantized");
            var ws = Name("weight_scale");
            var wz = Name("weight_zero_point");
            view.AddInitializer(Tensors.FromInt8(wq, values, rows, cols));
            view.AddInitializer(Tensors.FromFloats(ws, scales, cols));
            view.AddInitializer(Tensors.FromInt8(wz, new sbyte[cols], cols));
            var (xq, xs, xz) = (Name("input_quantized"), Name("input_scale"), Name("input_zero_point"));
            var (product, productFloat, scale) = (Name("product_int32"), Name("product_float"), Name("output_scale"));
            var hasBias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0;
            var scaled = hasBias ? Name("scaled") : output;
            var added = new List<NodeProto>
            {
                QdqQuantizer.Node("DynamicQuantizeLinear", Name("DynamicQuantizeLinear"), [node.Input[0]], xq, xs, xz),
                QdqQuantizer.Node("MatMulInteger", Name("MatMulInteger"), [xq, wq, xz, wz], product),
                QdqQuantizer.Node("Cast", Name("Cast"), [product], productFloat),
                QdqQuantizer.Node("Mul", Name("ScaleMul"), [xs, ws], scale),
                QdqQuantizer.Node("Mul", Name("OutputMul"), [productFloat, scale], scaled),
            };
            added[2].Attribute.Add(GraphView.IntAttribute("to", Tensors.Float));
            if (hasBias)
            {
                var bias = node.Input[2];
                var beta = GraphView.GetFloat(node, "beta", 1f);
                if (beta != 1f)
                {
                    var betaName = Name("beta");
                    view.AddInitializer(Tensors.FromFloats(betaName, [beta]));
                    var scaledBias = Name("bias_scaled");
                    added.Add(QdqQuantizer.Node("Mul", Name("BiasMul"), [bias, betaName], scaledBias));
                    bias = scaledBias;
                }

                added.Add(QdqQuantizer.Node("Add", Name("BiasAdd"), [scaled, bias], output));
            }

            var index = graph.Node.IndexOf(node);
            graph.Node.RemoveAt(index);
            for (var i = 0; i < added.Count; i++)
            {
                graph.Node.Insert(index + i, added[i]);
            }

            count++;
        }

        GraphCleanup.Run(graph);
        return count;
    }

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
