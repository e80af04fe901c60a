namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Dynamic quantization of MatMul/Gemm layers with constant weights (PyTorch's <c>quantize_dynamic</c> for
/// Linear): weights become per-column symmetric int8 offline (stored as uint8 around 128, see
/// <see cref="StaticMatMulQuantizer.WeightZeroPoint"/>); at run time the input is quantized to uint8
/// by DynamicQuantizeLinear, multiplied by MatMulInteger and rescaled to float. ORT fuses the pattern
/// into its DynamicQuantizeMatMul kernel. Transformer blocks work the same way: the [batch, sequence, K]
/// activations broadcast against the [K, N] weight; attention's activation × activation products, LayerNorm,
/// GELU and Softmax stay float.
/// </summary>
internal static class DynamicQuantizer
{
    /// <summary>
    /// Returns the number of layers quantized and the MatMul/Gemm nodes kept in float, with the reason. With
    /// <paramref name="signedWeights"/> the codes are stored as int8 (zero point 0) for ORT's u8·s8 kernels, the fast
    /// ones on CPUs with VNNI (AVX512-VNNI, AVX-VNNI) and on ARM64; without VNNI, AVX2's u8·s8 kernel saturates 16-bit
    /// pair sums and loses fidelity, which the portable default (u8 around 128) does not.
    /// </summary>
    public static (int Layers, IReadOnlyList<string> KeptInFloat) Apply(ModelProto model, bool signedWeights = false)
    {
        if (Transforms.OpsetUpgrader.DefaultOpset(model) < 11)
        {
            throw new CompressionException("Dynamic quantization needs opset 11 or later (DynamicQuantizeLinear); upgrade the model first.");
        }

        var view = new GraphView(model.Graph);
        var (layers, kept) = WeightedMatMul.Find(view);
        foreach (var layer in layers)
        {
            var node = layer.Node;
            int rows = layer.K, cols = layer.N;

            // Weight [K, N] viewed as [K, N, 1]: one scale per output column.
            var (values, scales) = WeightQuantizer.Quantize(layer.Weights, rows, cols, 1);
            var stem = node.Name.Length > 0 ? node.Name : node.Output[0];
            string Name(string suffix) => view.UniqueName($"{stem}_{suffix}");
            var wq = Name("weight_quantized");
            var ws = Name("weight_scale");
            var wz = Name("weight_zero_point");
            view.AddInitializer(signedWeights ? Tensors.FromInt8(wq, values, rows, cols) : StaticMatMulQuantizer.UnsignedWeights(wq, values, rows, cols));
            view.AddInitializer(Tensors.FromFloats(ws, scales, cols));
            view.AddInitializer(signedWeights ? Tensors.FromInt8(wz, new sbyte[cols], cols) : StaticMatMulQuantizer.UnsignedZeroPoints(wz, cols));
            var (xq, xs, xz) = (Name("input_quantized"), Name("input_scale"), Name("input_zero_point"));
            var (product, productFloat, scale) = (Name("product_int32"), Name("product_float"), Name("output_scale"));
            var scaled = layer.ProductName(Name);
            var added = new List<NodeProto>
            {
                QdqQuantizer.Node("DynamicQuantizeLinear", Name("DynamicQuantizeLinear"), [node.Input[0]], xq, xs, xz),
                QdqQuantizer.Node("MatMulInteger", Name("MatMulInteger"), [xq, wq, xz, wz], product),
                QdqQuantizer.Node("Cast", Name("Cast"), [product], productFloat),
                QdqQuantizer.Node("Mul", Name("ScaleMul"), [xs, ws], scale),
                QdqQuantizer.Node("Mul", Name("OutputMul"), [productFloat, scale], scaled),
            };
            added[2].Attribute.Add(GraphView.IntAttribute("to", Tensors.Float));
            layer.Replace(view, added, scaled, Name);
        }

        GraphCleanup.Run(model.Graph);
        return (layers.Count, kept);
    }
}
