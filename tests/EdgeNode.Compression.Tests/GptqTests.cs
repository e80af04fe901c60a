using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Inputs;
using EdgeNode.Compression.Numerics;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Quantization;

namespace EdgeNode.Compression.Tests;

public sealed class GptqTests
{
    private const int K = 64;
    private const int N = 24;
    private const int Rows = 400;

    [Fact]
    public void CholeskyInverse_RandomSpdMatrix_TimesMatrixIsIdentity()
    {
        var (x, _) = CorrelatedInputs(seed: 3);
        var h = Gram(x, K);

        Assert.True(Cholesky.TryFactor(h, K, 0, 0, out var l));
        var inverse = Cholesky.Inverse(l, K, threads: 2);

        for (var i = 0; i < K; i++)
        {
            for (var j = 0; j < K; j++)
            {
                var sum = 0.0;
                for (var m = 0; m < K; m++)
                {
                    sum += inverse[(i * K) + m] * h[(m * K) + j];
                }

                Assert.Equal(i == j ? 1.0 : 0.0, sum, 6);
            }
        }
    }

    [Fact]
    public void CholeskyFactor_NotPositiveDefinite_ReturnsFalse()
    {
        Assert.False(Cholesky.TryFactor([1, 2, 2, 1], 2, 0, 0, out _));
    }

    [Theory]
    [InlineData(32, false)]
    [InlineData(32, true)]
    [InlineData(16, false)]
    public void Gptq_SeededLayerOnCorrelatedInputs_HasLessOutputErrorThanRoundToNearest(int block, bool symmetric)
    {
        var (x, w) = CorrelatedInputs(seed: 7);
        var h = Gram(x, K);

        var rtn = OutputError(x, w, Decode(MatMulNBitsQuantizer.Quantize(w, K, N, block, symmetric), block));
        var gptq = OutputError(x, w, Decode(MatMulNBitsQuantizer.Quantize(w, K, N, block, symmetric, h, threads: 2), block));

        Assert.True(gptq < 0.8 * rtn, $"‖X·ΔW‖²: GPTQ {gptq:G4}, round to nearest {rtn:G4}");
    }

    [Fact]
    public void Gptq_IdentityHessian_IsRoundToNearest()
    {
        var (_, w) = CorrelatedInputs(seed: 9);
        var identity = new double[K * K];
        for (var i = 0; i < K; i++)
        {
            identity[(i * K) + i] = 5;
        }

        var rtn = MatMulNBitsQuantizer.Quantize(w, K, N, 32, symmetric: false);
        var gptq = MatMulNBitsQuantizer.Quantize(w, K, N, 32, symmetric: false, identity);

        Assert.Equal(rtn.Packed, gptq.Packed);
        Assert.Equal(rtn.Scales, gptq.Scales);
        Assert.Equal(rtn.ZeroPoints, gptq.ZeroPoints);
    }

    [Fact]
    public void Gptq_HessianOfWrongSize_FailsClearly()
    {
        var (_, w) = CorrelatedInputs(seed: 1);

        var error = Assert.Throws<CompressionException>(() => MatMulNBitsQuantizer.Quantize(w, K, N, 32, false, new double[10]));

        Assert.Contains($"{K}×{K}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputHessians_LayerInputOverSeveralChunks_IsTheSumOfOuterProducts()
    {
        // x [rows, K] → Relu → MatMul: with non-negative inputs the Relu passes x through, so H must be Σ x xᵀ of the fed rows.
        var random = new Random(5);
        var graph = new GraphProto { Name = "relu-matmul" };
        graph.Input.Add(FloatInput("x", -1, K));
        graph.Initializer.Add(Tensors.FromFloats("w", new float[K * 4], K, 4));
        graph.Node.Add(QdqQuantizer.Node("Relu", "relu", ["x"], "h"));
        graph.Node.Add(QdqQuantizer.Node("MatMul", "mm", ["h", "w"], "y"));
        graph.Output.Add(FloatInput("y", -1, 4));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        var samples = new List<InputSample>();
        var expected = new double[K * K];
        foreach (var rows in new[] { 200, 150, 7 })
        {
            var values = new float[rows * K];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)random.NextDouble();
            }

            samples.Add(new InputSample([new InputTensor("x", [rows, K], values)], "test"));
            Accumulate(expected, values, K);
        }

        var h = InputHessians.Collect(model, new Dictionary<string, int> { ["h"] = K }, samples, 2, null, CancellationToken.None)["h"];

        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], h[i], expected[i] * 1e-5);
        }
    }

    [Fact]
    public void Gptq_TinyTransformer_FollowsTheFloatModelCloserThanRoundToNearest()
    {
        var original = TinyTransformer.Build();
        var calibration = Enumerable.Range(100, 24).Select(seed => Sample(12, seed)).ToList();
        var features = WeightedMatMul.Find(new GraphView(original.Graph)).Layers
            .GroupBy(l => l.Node.Input[0]).ToDictionary(g => g.Key, g => g.First().K);
        var hessians = InputHessians.Collect(original, features, calibration, 1, null, CancellationToken.None);
        var rtn = original.Clone();
        var gptq = original.Clone();

        MatMulNBitsQuantizer.Apply(rtn, 16, symmetric: false);
        MatMulNBitsQuantizer.Apply(gptq, 16, symmetric: false, hessians, threads: 1);

        double rtnError = 0, gptqError = 0;
        for (var seed = 0; seed < 6; seed++)
        {
            var reference = TransformerQuantizationTests.Run(original, 10, seed);
            rtnError += SquaredError(reference, TransformerQuantizationTests.Run(rtn, 10, seed));
            gptqError += SquaredError(reference, TransformerQuantizationTests.Run(gptq, 10, seed));
        }

        Assert.True(gptqError < 0.9 * rtnError, $"output squared error on held-out sequences: GPTQ {gptqError:G4}, round to nearest {rtnError:G4}");
    }

    internal static InputSample Sample(int length, int seed)
    {
        var (ids, mask) = TinyTransformer.Tokens(length, seed);
        return new InputSample([new InputTensor("input_ids", [1, length], ids), new InputTensor("attention_mask", [1, length], mask)], $"seed {seed}");
    }

    /// <summary>Rows that mix a few latent factors (so inputs are correlated, as activations are), features of unequal scale, and a random weight.</summary>
    private static (float[] X, float[] W) CorrelatedInputs(int seed)
    {
        var random = new Random(seed);
        const int factors = 12;
        var mix = Enumerable.Range(0, factors * K).Select(_ => (float)StandardNormal(random)).ToArray();
        var x = new float[Rows * K];
        for (var r = 0; r < Rows; r++)
        {
            var z = Enumerable.Range(0, factors).Select(_ => StandardNormal(random)).ToArray();
            for (var f = 0; f < K; f++)
            {
                var v = 0.3 * StandardNormal(random);
                for (var c = 0; c < factors; c++)
                {
                    v += z[c] * mix[(c * K) + f];
                }

                x[(r * K) + f] = (float)(v * (1 + (f % 5)));
            }
        }

        var w = Enumerable.Range(0, K * N).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        return (x, w);
    }

    private static double StandardNormal(Random random) => EdgeNode.Common.StandardNormal.Sample(random);

    private static double[] Gram(float[] x, int k)
    {
        var h = new double[k * k];
        Accumulate(h, x, k);
        return h;
    }

    private static void Accumulate(double[] h, float[] x, int k)
    {
        for (var r = 0; r < x.Length / k; r++)
        {
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < k; j++)
                {
                    h[(i * k) + j] += (double)x[(r * k) + i] * x[(r * k) + j];
                }
            }
        }
    }

    private static float[] Decode((byte[] Packed, float[] Scales, byte[]? ZeroPoints) q, int block) =>
        Int4Decoder.Decode(q.Packed, q.Scales, q.ZeroPoints, K, N, block);

    /// <summary>‖X·W − X·Ŵ‖²: what the layer's output loses on the inputs.</summary>
    private static double OutputError(float[] x, float[] w, float[] decoded)
    {
        double error = 0;
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < N; c++)
            {
                double d = 0;
                for (var f = 0; f < K; f++)
                {
                    d += x[(r * K) + f] * (w[(f * N) + c] - decoded[(f * N) + c]);
                }

                error += d * d;
            }
        }

        return error;
    }

    private static double SquaredError(float[] a, float[] b) => a.Zip(b, (p, q) => (double)(p - q) * (p - q)).Sum();

    private static ValueInfoProto FloatInput(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d > 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "rows" });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Tensors.Float, Shape = shape } } };
    }
}
