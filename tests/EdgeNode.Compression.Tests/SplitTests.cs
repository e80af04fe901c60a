using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Split;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Tests;

public sealed class SplitTests
{
    public static TheoryData<string> Models => new() { "cnn", "mlp" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Split_AtEveryOfferedCut_ChainedHeadAndTailEqualTheWholeModel(string kind)
    {
        var (model, shape) = Tiny(kind);
        var input = TinyModels.RandomInput((int)shape.Aggregate(1L, (a, b) => a * b), seed: 11);
        var whole = OrtRunner.Run(model, input, shape, GraphOptimizationLevel.ORT_DISABLE_ALL);
        var cuts = GraphSplitter.CutPoints(model);
        Assert.True(cuts.Count >= (kind == "cnn" ? 6 : 3), $"{cuts.Count} cuts offered");
        foreach (var cut in cuts)
        {
            var (type, cutShape) = Probe(model, cut, input, shape);
            var (head, tail) = GraphSplitter.Split(model, cut, type, cutShape);
            Assert.Equal(model.Graph.Input[0].Name, head.Graph.Input.Single().Name);
            Assert.Equal(model.Graph.Output[0].Name, tail.Graph.Output.Single().Name);
            Assert.Equal(cut, head.Graph.Output.Single().Name);
            Assert.Equal(cut, tail.Graph.Input.Single().Name);

            // Each initializer goes to the half that uses it, and only there.
            Assert.All(head.Graph.Initializer, t => Assert.Contains(head.Graph.Node, n => n.Input.Contains(t.Name)));
            Assert.All(tail.Graph.Initializer, t => Assert.Contains(tail.Graph.Node, n => n.Input.Contains(t.Name)));
            Assert.Equal(model.Graph.Node.Count, head.Graph.Node.Count + tail.Graph.Node.Count);

            var activation = OrtRunner.Run(head, input, shape, GraphOptimizationLevel.ORT_DISABLE_ALL);
            var chained = OrtRunner.Run(tail, activation, [.. cutShape], GraphOptimizationLevel.ORT_DISABLE_ALL);
            Assert.True(OrtRunner.MaxAbsDifference(whole, chained) < 1e-5f, $"cut at {cut}");
        }
    }

    [Fact]
    public void Split_AtATensorWithASecondOneCrossing_IsRefusedNamingBoth()
    {
        var model = TinyModels.ResidualCnn();
        var offered = GraphSplitter.CutPoints(model);

        // Inside the residual block the stem's output still has to reach the Add: two tensors cross.
        var inside = model.Graph.Node.SelectMany(n => n.Output).First(t =>
            !offered.Contains(t) && GraphSplitter.Crossing(model.Graph, t).Count == 2);
        var ex = Assert.Throws<CompressionException>(() => GraphSplitter.Split(model, inside, Tensors.Float, [1, 8, 16, 16]));
        Assert.Contains("2 tensors crossing", ex.Message, StringComparison.Ordinal);
        Assert.Contains(inside, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_AtTheModelsOutputOrAnUnknownTensor_IsRefused()
    {
        var model = TinyModels.Mlp();
        Assert.Contains("no tail", Assert.Throws<CompressionException>(() => GraphSplitter.Split(model, model.Graph.Output[0].Name, Tensors.Float, [1, 10])).Message, StringComparison.Ordinal);
        Assert.Contains("not produced", Assert.Throws<CompressionException>(() => GraphSplitter.Split(model, "nope", Tensors.Float, [1])).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(model.Graph.Output[0].Name, GraphSplitter.CutPoints(model));
    }

    [Fact]
    public void ActivationCodec_RoundTrip_IsWithinHalfAStepAndSaturatesOutsideTheRange()
    {
        var values = TinyModels.RandomInput(1000, seed: 5, scale: 3f);
        var (scale, zeroPoint) = (6f / 255f, (byte)128);
        var codes = new byte[values.Length];
        var restored = new float[values.Length];
        ActivationCodec.Quantize(values, scale, zeroPoint, codes);
        ActivationCodec.Dequantize(codes, scale, zeroPoint, restored);
        for (var i = 0; i < values.Length; i++)
        {
            var clamped = Math.Clamp(values[i], -128 * scale, 127 * scale);
            Assert.True(Math.Abs(clamped - restored[i]) <= (scale / 2) + 1e-6f, $"{values[i]} -> {restored[i]}");
        }

        ActivationCodec.Quantize([100f, -100f], scale, zeroPoint, codes.AsSpan(0, 2));
        Assert.Equal([255, 0], codes[..2]);
        Assert.Throws<ArgumentException>(() => ActivationCodec.Quantize(values, scale, zeroPoint, codes.AsSpan(1)));
    }

    internal static (ModelProto Model, long[] Shape) Tiny(string kind) => kind == "cnn"
        ? (TinyModels.ResidualCnn(), [1, 3, TinyModels.ImageSize, TinyModels.ImageSize])
        : (TinyModels.Mlp(), [1, 32]);

    private static (int Type, long[] Shape) Probe(ModelProto model, string tensor, float[] input, long[] shape)
    {
        using var probe = new TensorProbe(model, [tensor], shape);
        (int, long[]) result = default;
        probe.Run(input, (_, type, s, _) => result = (type, s));
        return result;
    }
}
