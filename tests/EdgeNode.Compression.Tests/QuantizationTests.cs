using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Quantization;
using EdgeNode.Compression.Transforms;
using Google.Protobuf;

namespace EdgeNode.Compression.Tests;

public sealed class QuantizationTests
{
    private static readonly long[] s_imageShape = [1, 3, TinyModels.ImageSize, TinyModels.ImageSize];

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Entropy)]
    public void Static_ResidualCnn_StaysCloseToFloatAndRunsIntegerConvs(CalibrationMethod method)
    {
        var original = TinyModels.ResidualCnn();
        var model = Quantize(original, method);

        for (var seed = 100; seed < 105; seed++)
        {
            var input = TinyModels.RandomInput(3 * 16 * 16, seed, 100f);
            var cosine = OrtRunner.Cosine(OrtRunner.Run(original, input, s_imageShape), OrtRunner.Run(model, input, s_imageShape));

            // Entropy deliberately clips the tails of these uniform random activations.
            Assert.True(cosine > (method == CalibrationMethod.Entropy ? 0.95 : 0.999), $"cosine {cosine}");
        }

        var ops = OpHistogram.AfterOptimization(model.ToByteArray(), 1);
        Assert.Equal(6, ops.GetValueOrDefault("com.microsoft.QLinearConv"));
        Assert.False(ops.ContainsKey("Conv"));
        Assert.Equal(2, ops.GetValueOrDefault("com.microsoft.QLinearAdd"));
    }

    [Fact]
    public void Static_QuantizeAfterRelu_UsesTypeMinimumZeroPoint()
    {
        var model = Quantize(TinyModels.ResidualCnn(), CalibrationMethod.MinMax);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        var producers = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);

        var afterRelu = model.Graph.Node.Where(n => n.OpType == "QuantizeLinear" && producers.TryGetValue(n.Input[0], out var p) && p.OpType == "Relu").ToList();

        Assert.NotEmpty(afterRelu);
        Assert.All(afterRelu, q => Assert.Equal(0, initializers[q.Input[2]].RawData[0]));
        Assert.All(afterRelu, q => Assert.Equal(Onnx.Tensors.Uint8, initializers[q.Input[2]].DataType));
    }

    [Fact]
    public void Static_ConvWeights_ArePerChannelInt8WithInt32Bias()
    {
        var model = Quantize(TinyModels.ResidualCnn(), CalibrationMethod.MinMax);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);

        var weightDequantizers = model.Graph.Node.Where(n => n.OpType == "DequantizeLinear" && initializers.ContainsKey(n.Input[0])).ToList();

        Assert.Contains(weightDequantizers, n => initializers[n.Input[0]].DataType == Onnx.Tensors.Int8 && initializers[n.Input[1]].Dims.Count == 1);
        Assert.Contains(weightDequantizers, n => initializers[n.Input[0]].DataType == Onnx.Tensors.Int32);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.DataType == Onnx.Tensors.Float && t.Dims.Count == 4);
    }

    [Fact]
    public void Dynamic_Mlp_ProducesMatMulIntegerAndStaysClose()
    {
        var original = TinyModels.Mlp();
        var model = original.Clone();

        var (layers, kept) = DynamicQuantizer.Apply(model);

        Assert.Equal(2, layers);
        Assert.Empty(kept);
        Assert.Equal(2, model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "MatMul" or "Gemm");
        for (var seed = 0; seed < 5; seed++)
        {
            var input = TinyModels.RandomInput(32, seed);
            Assert.True(OrtRunner.Cosine(OrtRunner.Run(original, input, [1, 32]), OrtRunner.Run(model, input, [1, 32])) > 0.995);
        }
    }

    [Fact]
    public void Percentile_SingleOutlier_ClipsBelowMax()
    {
        var histogram = new double[2048];
        for (var i = 0; i < 200; i++)
        {
            histogram[i] = 1000;
        }

        histogram[2047] = 1;

        var threshold = HistogramThresholds.Percentile(histogram, 100f, 99.9);

        Assert.InRange(threshold, 9f, 10.5f);
    }

    [Fact]
    public void Entropy_LongTail_ChoosesThresholdInsideTheBulk()
    {
        var histogram = new double[2048];
        for (var i = 0; i < 2048; i++)
        {
            histogram[i] = 1e6 * Math.Exp(-i / 40.0);
        }

        var threshold = HistogramThresholds.Entropy(histogram, 2048f, 128);

        Assert.InRange(threshold, 128f, 1500f);
    }

    [Fact]
    public void Accumulate_ReluOutput_LeavesExactZerosOut()
    {
        var histogram = new double[16];
        float[] values = [0, 0, 0, 0, 0, 0, 0.5f, 1f, 15.9f, -2f];

        RangeCalibrator.Accumulate(histogram, values, 16f);

        Assert.Equal(4, histogram.Sum());
        Assert.Equal(1, histogram[0]);
        Assert.Equal(1, histogram[1]);
        Assert.Equal(1, histogram[2]);
        Assert.Equal(1, histogram[15]);
    }

    [Fact]
    public void Entropy_ReluLikeHistogram_KeepsMostOfTheRange()
    {
        // Half-normal magnitudes, as a Relu output without its zeros: a tight clip would cut real signal.
        var histogram = new double[2048];
        for (var i = 0; i < 2048; i++)
        {
            var x = (i + 0.5) / 2048 * 4;
            histogram[i] = 1e6 * Math.Exp(-x * x / 2);
        }

        var threshold = HistogramThresholds.Entropy(histogram, 4f, 255);

        Assert.InRange(threshold, 2.5f, 4f);
    }

    [Fact]
    public void QuantParams_RangeFromZero_HasZeroPointZero()
    {
        var p = QuantParams.FromRange(new TensorRange(0f, 6f));

        Assert.Equal(0, p.ZeroPoint);
        Assert.Equal(6f / 255f, p.Scale, 6);
    }

    internal static ModelProto Quantize(ModelProto original, CalibrationMethod method)
    {
        var model = original.Clone();
        BatchNormFolder.Fold(model.Graph);
        OpsetUpgrader.Upgrade(model);
        ConvChannelAligner.Apply(model.Graph);
        var tensors = QdqPlan.ActivationTensors(model.Graph);
        var inputs = Enumerable.Range(0, 8).Select(s => TinyModels.RandomInput(3 * 16 * 16, s, 100f)).ToList();
        var ranges = RangeCalibrator.Compute(model, tensors, inputs, s_imageShape, method, 1, null, CancellationToken.None);
        QdqQuantizer.Apply(model, ranges);
        return model;
    }
}
