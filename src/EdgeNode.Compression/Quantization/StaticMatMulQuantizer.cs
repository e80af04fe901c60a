using EdgeNode.Compression.Calibration;

namespace EdgeNode.Compression.Quantization;

/// <summary>
/// Static int8 QDQ of the weight MatMuls of any model (a transformer's projections and feed-forward layers), from
/// activation ranges calibrated on tensor samples: each layer's input gets one QuantizeLinear/DequantizeLinear pair
/// (uint8, calibrated range; shared by the layers that read the same tensor, such as Q, K and V), its weight becomes
/// int8 with one scale per output column behind a DequantizeLinear (axis 1), and its output stays float. ORT turns
/// each group into <c>MatMulIntegerToFloat</c>: the kernel dynamic quantization ends in, without quantizing the input at
/// run time. Only the layers' own inputs are rewired, so residual Adds, LayerNorm, attention products and Softmax keep
/// reading float.
/// </summary>
internal static class StaticMatMulQuantizer
{
    /// <summary>
    /// Weights are stored as uint8 around 128 (the int8 codes shifted), so ORT runs u8·u8 products. Its u8·s8 kernel
    /// on x86 without VNNI (AVX2) adds pairs of products in saturating 16-bit lanes; that overflow cost the tiny test
    /// transformer its fidelity, statically (cosine 0.96 against 0.9998 for the same graph run unfused) and dynamically
    /// (0.958), on this project's AMD EPYC VM.
    /// </summary>
    internal const byte WeightZeroPoint = 128;

    /// <summary>Symmetric int8 weight codes [K, N] as uint8 around <see cref="WeightZeroPoint"/>.</summary>
    internal static TensorProto UnsignedWeights(string name, sbyte[] values, int k, int n) =>
        Tensors.FromUInt8(name, [.. values.Select(v => (byte)(v + WeightZeroPoint))], k, n);

    /// <summary>One <see cref="WeightZeroPoint"/> per output column.</summary>
    internal static TensorProto UnsignedZeroPoints(string name, int n) =>
        Tensors.FromUInt8(name, [.. Enumerable.Repeat(WeightZeroPoint, n)], n);

    /// <summary>The activation tensors to calibrate: the inputs of the weight MatMuls, in graph order.</summary>
    public static IReadOnlyList<string> ActivationTensors(GraphProto graph) =>
        [.. WeightedMatMul.Find(new GraphView(graph)).Layers.Select(l => l.Node.Input[0]).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>Returns the number of layers quantized and the MatMul/Gemm nodes kept in float, with the reason.</summary>
    public static (int Layers, IReadOnlyList<string> KeptInFloat) Apply(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges)
    {
        if (Transforms.OpsetUpgrader.DefaultOpset(model) < Transforms.OpsetUpgrader.TargetOpset)
        {
            throw new CompressionException("Static quantization needs opset 13 (per-axis DequantizeLinear); upgrade the model first.");
        }

        var view = new GraphView(model.Graph);
        var (layers, kept) = WeightedMatMul.Find(view);
        var dequantized = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var x = layer.Node.Input[0];
            if (!dequantized.TryGetValue(x, out var xdq))
            {
                var range = ranges.TryGetValue(x, out var r) ? r : throw new CompressionException($"No calibration range for tensor '{x}'.");
                xdq = dequantized[x] = QdqQuantizer.AddPair(view, x, QuantParams.FromRange(range));
            }

            var stem = layer.Node.Name.Length > 0 ? layer.Node.Name : layer.Node.Output[0];
            string Name(string suffix) => view.UniqueName($"{stem}_{suffix}");
            var (values, scales) = WeightQuantizer.Quantize(layer.Weights, layer.K, layer.N, 1);
            var (wq, ws, wz, wdq) = (Name("weight_quantized"), Name("weight_scale"), Name("weight_zero_point"), Name("weight_dequantized"));
            view.AddInitializer(UnsignedWeights(wq, values, layer.K, layer.N));
            view.AddInitializer(Tensors.FromFloats(ws, scales, layer.N));
            view.AddInitializer(UnsignedZeroPoints(wz, layer.N));
            var weight = QdqQuantizer.Node("DequantizeLinear", Name("weight_DequantizeLinear"), [wq, ws, wz], wdq);
            weight.Attribute.Add(GraphView.IntAttribute("axis", 1));
            var product = layer.ProductName(Name);
            layer.Replace(view, [weight, QdqQuantizer.Node("MatMul", Name("MatMul"), [xdq, wdq], product)], product, Name);
        }

        GraphCleanup.Run(model.Graph);
        return (layers.Count, kept);
    }
}
