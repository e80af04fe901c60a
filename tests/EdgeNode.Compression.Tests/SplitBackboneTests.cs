using EdgeNode.Compression.Split;

namespace EdgeNode.Compression.Tests;

/// <summary>The real ResNet18 backbones, fp32 and int8 (QDQ), split at cuts early, middle and late.</summary>
public sealed class SplitBackboneTests
{
    [Theory]
    [InlineData("ResNet18.onnx", 0.25)]
    [InlineData("ResNet18.onnx", 0.6)]
    [InlineData("resnet18-int8.onnx", 0.3)]
    [InlineData("resnet18-int8.onnx", 0.8)]
    public void Split_ResNet18_ChainedHalvesMatchTheWholeBackbone(string file, double where)
    {
        using var folder = new TempFolder();
        var model = Path.Combine(AppContext.BaseDirectory, "backbones", file);
        var cuts = GraphSplitter.CutPoints(Onnx.OnnxModelFile.Load(model));
        Assert.True(cuts.Count >= 8, $"{cuts.Count} cuts offered");
        var cut = cuts[(int)(where * cuts.Count)];
        var settings = new SplitSettings(model, cut, folder.File("out"), Calibration: folder.WriteImages("images", 3), CalibrationCount: 3, ProfileRuns: 1);
        var report = ModelSplitter.Run(settings, null, CancellationToken.None);

        Assert.Equal(cut, report.Manifest.Cut!.Tensor);
        Assert.Equal(cuts.Count + 2, report.Candidates.Count);
        // Cutting a QDQ model at a float (dequantized) tensor splits a fused integer kernel in two; the halves then
        // round once more than the whole, so its fp32 bound is looser (at a quantized tensor the two are equal).
        var fp32Bound = file.Contains("int8", StringComparison.Ordinal) ? 0.999 : 0.9999;
        Assert.True(report.Fp32Cosine >= fp32Bound, $"fp32 {report.Fp32Cosine} at {cut}");
        Assert.True(report.Int8Cosine >= 0.995, $"int8 {report.Int8Cosine} at {cut}");
        Assert.Equal("Input247", report.Manifest.Input);
        Assert.Equal("Pooling395_Output_0", report.Manifest.Output);
    }
}
