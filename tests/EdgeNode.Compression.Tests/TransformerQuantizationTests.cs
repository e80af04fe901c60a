using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Tests;

public sealed class TransformerQuantizationTests
{
    [Fact]
    public void Dynamic_TinyTransformer_QuantizesWeightMatMulsAndKeepsAttentionInFloat()
    {
        var original = TinyTransformer.Build();
        var model = original.Clone();

        var (layers, kept) = DynamicQuantizer.Apply(model);

        Assert.Equal(6, layers); // Q, K, V, output projection, two feed-forward layers
        Assert.Equal(2, kept.Count); // Q·Kᵀ and softmax·V multiply activations
        Assert.Contains(kept, k => k.Contains("computed by Transpose", StringComparison.Ordinal));
        Assert.Contains(model.Graph.Node, n => n.OpType == "LayerNormalization");
        Assert.Contains(model.Graph.Node, n => n.OpType == "Softmax");
        var ops = OpHistogram.AfterOptimization(model.ToByteArray(), 1);
        Assert.True(OpHistogram.IntegerKernels(ops) >= 6, string.Join(", ", ops.Keys));
        for (var seed = 0; seed < 4; seed++)
        {
            var cosine = OrtRunner.Cosine(Run(original, 12, seed), Run(model, 12, seed));
            Assert.True(cosine > 0.99, $"cosine {cosine}");
        }
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(32, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    public void MatMulNBits_TinyTransformer_RunsInOrtAsTheDequantizedFloatModel(int blockSize, bool symmetric)
    {
        var original = TinyTransformer.Build();
        var model = original.Clone();

        var (layers, kept, before, after) = MatMulNBitsQuantizer.Apply(model, blockSize, symmetric);

        Assert.Equal(6, layers);
        Assert.Equal(2, kept.Count);
        Assert.True(after < before / 4, $"{after} of {before} bytes");
        var nbits = model.Graph.Node.Where(n => n.OpType == "MatMulNBits").ToList();
        Assert.All(nbits, n => Assert.Equal("com.microsoft", n.Domain));
        Assert.All(nbits, n => Assert.Equal(symmetric ? 3 : 4, n.Input.Count));

        // The reference: the float model with each weight replaced by its decoded 4-bit value, decoded here from the
        // documented layout. ORT's MatMulNBits kernel must compute the same products.
        var reference = original.Clone();
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        var originalNodes = original.Graph.Node.Where(n => n.OpType == "MatMul" && reference.Graph.Initializer.Any(t => t.Name == n.Input[1])).ToList();
        Assert.Equal(nbits.Count, originalNodes.Count);
        for (var i = 0; i < nbits.Count; i++)
        {
            var weight = reference.Graph.Initializer.Single(t => t.Name == originalNodes[i].Input[1]);
            var decoded = Decode(nbits[i], initializers);
            var index = reference.Graph.Initializer.IndexOf(weight);
            reference.Graph.Initializer[index] = Tensors.FromFloats(weight.Name, decoded, weight.Dims[0], weight.Dims[1]);
        }

        for (var seed = 0; seed < 3; seed++)
        {
            var expected = Run(reference, 10, seed);
            var actual = Run(model, 10, seed);
            Assert.True(OrtRunner.MaxAbsDifference(expected, actual) < 1e-3, $"max |Δ| {OrtRunner.MaxAbsDifference(expected, actual)}");
            Assert.True(OrtRunner.Cosine(Run(original, 10, seed), actual) > 0.95);
        }
    }

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Entropy)]
    public void StaticMatMul_TinyTransformerCalibratedOnTokens_RunsIntegerKernelsWithinTolerance(CalibrationMethod method)
    {
        var original = TinyTransformer.Build();
        var model = original.Clone();
        var calibration = Enumerable.Range(100, 16).Select(seed => GptqTests.Sample(12, seed)).ToList();
        var tensors = StaticMatMulQuantizer.ActivationTensors(model.Graph);

        var ranges = RangeCalibrator.Compute(model, tensors, calibration, method, 1, null, CancellationToken.None);
        var (layers, kept) = StaticMatMulQuantizer.Apply(model, ranges);

        Assert.Equal(6, layers);
        Assert.Equal(4, tensors.Count); // Q, K and V read one tensor; output projection, FFN in and out one each
        Assert.Equal(2, kept.Count);
        Assert.Equal(4, model.Graph.Node.Count(n => n.OpType == "QuantizeLinear"));
        Assert.Contains(model.Graph.Node, n => n.OpType == "LayerNormalization");

        // The residual Add reads the float tensor the feed-forward layer quantizes, not its quantized copy.
        Assert.Contains(model.Graph.Node, n => n.OpType == "Add" && n.Input.Any(tensors.Contains));
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Add"), n => Assert.DoesNotContain(n.Input, i => i.EndsWith("_dequantized", StringComparison.Ordinal)));
        var ops = OpHistogram.AfterOptimization(model.ToByteArray(), 1);
        Assert.True(OpHistogram.IntegerKernels(ops) >= 6, string.Join(", ", ops.Select(kv => $"{kv.Key}×{kv.Value}")));
        Assert.DoesNotContain("DynamicQuantizeLinear", ops.Keys);
        for (var seed = 0; seed < 4; seed++)
        {
            var cosine = OrtRunner.Cosine(Run(original, 12, seed), Run(model, 12, seed));
            Assert.True(cosine > 0.99, $"cosine {cosine}");
        }
    }

    [Fact]
    public void StaticMatMul_MissingRange_FailsNamingTheTensor()
    {
        var model = TinyTransformer.Build();

        var error = Assert.Throws<CompressionException>(() => StaticMatMulQuantizer.Apply(model, new Dictionary<string, TensorRange>()));

        Assert.Contains("No calibration range for tensor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embeddings_TinyTransformer_GatherTableBecomesInt8AndStaysClose()
    {
        var original = TinyTransformer.Build();
        var model = original.Clone();

        var tables = EmbeddingQuantizer.Apply(model);

        Assert.Equal(1, tables);
        var gather = model.Graph.Node.Single(n => n.OpType == "Gather");
        Assert.Equal(Tensors.Int8, model.Graph.Initializer.Single(t => t.Name == gather.Input[0]).DataType);
        Assert.True(OrtRunner.Cosine(Run(original, 9, 1), Run(model, 9, 1)) > 0.999);
    }

    private static float[] Decode(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        int k = (int)GraphView.GetInt(node, "K", 0), n = (int)GraphView.GetInt(node, "N", 0), block = (int)GraphView.GetInt(node, "block_size", 0);
        var packed = initializers[node.Input[1]].RawData.ToByteArray();
        var scales = Tensors.ToFloats(initializers[node.Input[2]]);
        var zeroPoints = node.Input.Count > 3 ? initializers[node.Input[3]].RawData.ToByteArray() : null;
        return Int4Decoder.Decode(packed, scales, zeroPoints, k, n, block);
    }

    internal static float[] Run(ModelProto model, int length, int seed)
    {
        var (ids, mask) = TinyTransformer.Tokens(length, seed);
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, [1, length]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, length]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input_ids", "attention_mask"], [idValue, maskValue], [session.OutputMetadata.Keys.First()]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
