using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference.Tests;

/// <summary>Against the real ResNet18 and ResNetPreprocess.onnx from the NuGet package, as the build lays them out.</summary>
public sealed class ResNetBackboneTests
{
    private static readonly InferenceOptions Options = new() { ModelsPath = RepoPaths.ModelsDirectory, Providers = ["CPU"], IntraOpThreads = "1", WarmupRuns = 1 };

    [Fact]
    public void Preprocessing_MatchesTheResNetPreprocessModel()
    {
        // A 224x224 image needs no resize, so our tensor must equal ResNetPreprocess.onnx's output exactly.
        var random = new Random(7);
        var rgb = new byte[224 * 224 * 3];
        random.NextBytes(rgb);
        var manifest = ModelManifest.Load(RepoPaths.ModelsDirectory);
        var entry = manifest.Models.First(m => m.Precision == "fp32");
        var meanModel = Path.Combine(RepoPaths.ModelsDirectory, entry.Preprocessing.MeanModel);
        var pre = new ImagePreprocessor(224, MeanImage.FromPreprocessModel(meanModel, 224), bgr: true);
        var ours = new float[pre.TensorLength];
        pre.ProcessPixels(rgb, 224, 224, 3, ours);

        var planar = new float[3 * 224 * 224];
        for (var i = 0; i < 224 * 224; i++)
        {
            planar[i] = rgb[i * 3];
            planar[(224 * 224) + i] = rgb[(i * 3) + 1];
            planar[(2 * 224 * 224) + i] = rgb[(i * 3) + 2];
        }

        using var session = new InferenceSession(meanModel);
        using var input = OrtValue.CreateTensorValueFromMemory(planar, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        var reference = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(reference.Length, ours.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.Equal(reference[i], ours[i], 3);
        }
    }

    [Fact]
    public void Embed_SyntheticFrame_Returns512FiniteValuesDeterministically()
    {
        using var engine = OnnxInferenceEngine.Load(Options, NullLogger.Instance);
        var rgb = new byte[320 * 240 * 3];
        new Random(3).NextBytes(rgb);
        using var frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 320, 240, FrameFormat.Rgb24, rgb);
        var a = new float[512];
        var b = new float[512];

        engine.Embed(frame, a);
        engine.Embed(frame, b);

        Assert.Equal(512, engine.Model.EmbeddingSize);
        Assert.Equal("CPU", engine.Model.ExecutionProvider);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(a, v => v != 0);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Load_UnknownProvider_IsReportedAndCpuIsUsed()
    {
        var options = new InferenceOptions { ModelsPath = RepoPaths.ModelsDirectory, Providers = ["CUDA", "CPU"], WarmupRuns = 0 };

        using var engine = OnnxInferenceEngine.Load(options, NullLogger.Instance);

        Assert.Equal("CPU", engine.Model.ExecutionProvider);
    }
}
