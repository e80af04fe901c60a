using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Transforms;
using Google.Protobuf;

namespace EdgeNode.Compression.Tests;

public sealed class GraphTransformTests
{
    private static readonly long[] s_imageShape = [1, 3, TinyModels.ImageSize, TinyModels.ImageSize];

    [Fact]
    public void Fold_ConvBatchNorm_MatchesUnfoldedWithin1e4()
    {
        var model = TinyModels.ResidualCnn();
        var folded = model.Clone();

        var count = BatchNormFolder.Fold(folded.Graph);

        Assert.Equal(6, count);
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        for (var seed = 0; seed < 3; seed++)
        {
            var input = TinyModels.RandomInput(3 * 16 * 16, seed, 50f);
            var expected = OrtRunner.Run(model, input, s_imageShape, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL);
            var actual = OrtRunner.Run(folded, input, s_imageShape, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL);
            Assert.True(OrtRunner.MaxAbsDifference(expected, actual) <= 1e-4f * Math.Max(1f, expected.Max(Math.Abs)));
        }
    }

    [Fact]
    public void Upgrade_Opset8Model_RunsAtOpset13WithSameOutput()
    {
        var model = TinyModels.ResidualCnn(opset: 8);
        var upgraded = model.Clone();

        OpsetUpgrader.Upgrade(upgraded);

        Assert.Equal(13, OpsetUpgrader.DefaultOpset(upgraded));
        Assert.DoesNotContain(upgraded.Graph.Node.SelectMany(n => n.Attribute), a => a.Name == "spatial");
        var input = TinyModels.RandomInput(3 * 16 * 16, 4);
        Assert.True(OrtRunner.MaxAbsDifference(OrtRunner.Run(model, input, s_imageShape), OrtRunner.Run(upgraded, input, s_imageShape)) < 1e-5f);
    }

    [Fact]
    public void Upgrade_OpWithoutRule_ThrowsNamingTheOp()
    {
        var model = TinyModels.ResidualCnn(opset: 8);
        model.Graph.Node[0].OpType = "Upsample";

        var ex = Assert.Throws<CompressionException>(() => OpsetUpgrader.Upgrade(model));

        Assert.Contains("Upsample", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RoundTrip_KeepsGraph()
    {
        var model = TinyModels.ResidualCnn();

        var parsed = OnnxModelFile.Parse(model.ToByteArray(), "memory");

        Assert.Equal(model, parsed);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void Parse_NotAModel_ThrowsCompressionException(string kind)
    {
        var valid = TinyModels.ResidualCnn().ToByteArray();
        var bytes = kind switch
        {
            "text" => "this is not an ONNX model, just some text\n"u8.ToArray(),
            "truncated" => valid[..(valid.Length / 2)],
            _ => [],
        };

        Assert.Throws<CompressionException>(() => OnnxModelFile.Parse(bytes, kind));
    }

    [Fact]
    public void ChannelAligner_StemConv_PadsToFourChannelsWithSameOutput()
    {
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);
        var aligned = model.Clone();

        var count = Quantization.ConvChannelAligner.Apply(aligned.Graph);

        Assert.Equal(1, count);
        Assert.Contains(aligned.Graph.Node, n => n.OpType == "Pad");
        var input = TinyModels.RandomInput(3 * 16 * 16, 5, 10f);
        Assert.True(OrtRunner.MaxAbsDifference(OrtRunner.Run(model, input, s_imageShape), OrtRunner.Run(aligned, input, s_imageShape)) < 1e-4f);
    }
}
