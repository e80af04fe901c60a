using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Quantization;
using EdgeNode.Compression.Transforms;

namespace EdgeNode.Compression;

/// <summary>
/// The quantization step of <c>compress</c>: dynamic int8 or 4-bit weights (round to nearest or GPTQ) of MatMul/Gemm
/// with int8 embedding tables; else static int8 QDQ, of a CNN's whole graph from calibration images or of any model's
/// weight MatMuls from tensor samples.
/// </summary>
internal static class QuantizationStep
{
    /// <summary>What the step did, for the report.</summary>
    /// <param name="Steps">One line per transform.</param>
    /// <param name="FloatOps">Op types left in float.</param>
    /// <param name="KeptInFloat">MatMul/Gemm nodes kept in float, with the reason.</param>
    /// <param name="WeightBytes">4-bit only: the quantized layers' weight bytes before and after.</param>
    public sealed record Outcome(IReadOnlyList<string> Steps, IReadOnlyList<string> FloatOps, IReadOnlyList<string> KeptInFloat, (long Before, long After)? WeightBytes);

    public static Outcome Run(ModelProto model, CompressOptions options, CompressionInputs data, int threads, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var steps = new List<string>();
        if (options.Dynamic || options.Int4)
        {
            if (OpsetUpgrader.DefaultOpset(model) < 11)
            {
                OpsetUpgrader.Upgrade(model);
            }

            var originalNodes = new HashSet<NodeProto>(model.Graph.Node, ReferenceEqualityComparer.Instance);
            IReadOnlyList<string> kept;
            (long, long)? weightBytes = null;
            if (options.Dynamic)
            {
                var signed = options.WeightType == WeightType.S8;
                (var layers, kept) = DynamicQuantizer.Apply(model, signed);
                steps.Add($"quantize-dynamic: {layers} MatMul/Gemm layers, int8 weights per output column ({(signed ? "stored s8, for VNNI and ARM64" : "stored u8 around 128")}), activations quantized at run time");
            }
            else
            {
                var hessians = options.Int4Method == Int4Method.Gptq ? Hessians(model, data, threads, progress, cancellationToken) : null;
                (var layers, kept, var before, var after) = MatMulNBitsQuantizer.Apply(model, options.BlockSize, options.Symmetric, hessians, threads);
                weightBytes = (before, after);
                var rounding = hessians is null ? "round to nearest" : $"GPTQ on {data.CalibrationSamples.Count} calibration samples (damping {GptqRounding.Damping:P0} of H's mean diagonal)";
                steps.Add($"quantize-int4: {layers} MatMul/Gemm layers to MatMulNBits, block {options.BlockSize}, {(options.Symmetric ? "symmetric" : "a zero point per block")}, {rounding}; their weights {before:N0} -> {after:N0} bytes ({(before > 0 ? (double)after / before : 0):P1})");
            }

            var tables = EmbeddingQuantizer.Apply(model);
            steps.Add($"quantize-embeddings: {tables} Gather tables to int8, a scale per hidden channel");
            return new Outcome(steps, LeftInFloat(model.Graph, originalNodes), kept, weightBytes);
        }

        var method = options.Calibrator.ToString().ToLowerInvariant();
        if (data.Images is { } images)
        {
            OpsetUpgrader.Upgrade(model);
            var aligned = ConvChannelAligner.Apply(model.Graph);
            var tensors = QdqPlan.ActivationTensors(model.Graph);
            var floatOps = QdqPlan.FloatOps(model.Graph);
            var ranges = RangeCalibrator.Compute(model, tensors, images.Calibration, data.ImageShape!, options.Calibrator, threads, progress, cancellationToken);
            QdqQuantizer.Apply(model, ranges);
            steps.Add($"quantize-static: {method} calibration on {images.Calibration.Count} images, {tensors.Count} activation tensors, {aligned} convs padded to 4-channel multiples");
            return new Outcome(steps, floatOps, [], null);
        }

        if (data.CalibrationSamples.Count > 0)
        {
            OpsetUpgrader.Upgrade(model);
            var originalNodes = new HashSet<NodeProto>(model.Graph.Node, ReferenceEqualityComparer.Instance);
            var tensors = StaticMatMulQuantizer.ActivationTensors(model.Graph);
            var ranges = RangeCalibrator.Compute(model, tensors, data.CalibrationSamples, options.Calibrator, threads, progress, cancellationToken);
            var (layers, kept) = StaticMatMulQuantizer.Apply(model, ranges);
            steps.Add($"quantize-static-matmul: {method} calibration on {data.CalibrationSamples.Count} tensor samples, {layers} MatMul/Gemm layers with int8 weights per output column and {tensors.Count} uint8 input tensors, outputs float");
            var tables = EmbeddingQuantizer.Apply(model);
            steps.Add($"quantize-embeddings: {tables} Gather tables to int8, a scale per hidden channel");
            return new Outcome(steps, LeftInFloat(model.Graph, originalNodes), kept, null);
        }

        return new Outcome(steps, [], [], null);
    }

    /// <summary>Σ x xᵀ of every weight layer's input over the calibration samples, for GPTQ.</summary>
    private static Dictionary<string, double[]> Hessians(ModelProto model, CompressionInputs data, int threads, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (data.CalibrationSamples.Count == 0)
        {
            throw new CompressionException("GPTQ needs calibration samples (--calibration <dir>).");
        }

        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in WeightedMatMul.Find(new GraphView(model.Graph)).Layers)
        {
            features.TryAdd(layer.Node.Input[0], layer.K);
        }

        return InputHessians.Collect(model, features, data.CalibrationSamples, threads, progress, cancellationToken);
    }

    /// <summary>Op types of the input graph that weight quantization left in float (attention, LayerNorm, GELU, Softmax…), with counts.</summary>
    private static List<string> LeftInFloat(GraphProto graph, HashSet<NodeProto> originalNodes)
    {
        var quantizedTables = new HashSet<string>(graph.Initializer.Where(t => t.DataType == Tensors.Int8).Select(t => t.Name), StringComparer.Ordinal);
        return [.. graph.Node
            .Where(n => originalNodes.Contains(n) && !(n.OpType == "Gather" && quantizedTables.Contains(n.Input[0])))
            .GroupBy(n => n.OpType, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}×{g.Count()}")];
    }
}
