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

    [Fact]
    public void Load_AutoThreads_KeepsTheFastestMeasuredCountAndReportsTheTimings()
    {
        var options = new InferenceOptions { ModelsPath = RepoPaths.ModelsDirectory, Providers = ["CPU"], WarmupRuns = 1 };
        Assert.Equal(InferenceOptions.Auto, options.IntraOpThreads); // the default

        using var engine = OnnxInferenceEngine.Load(options, NullLogger.Instance);

        var threads = engine.Model.Threads!;
        Assert.True(threads.Tuned);
        Assert.InRange(threads.MeanMsByThreads.Count, Math.Min(Environment.ProcessorCount, 3), Math.Clamp(Environment.ProcessorCount, 1, 64));
        Assert.All(threads.MeanMsByThreads, ms => Assert.True(ms > 0));
        Assert.InRange(threads.Threads, 1, threads.MeanMsByThreads.Count);
        Assert.Equal(threads.MeanMsByThreads.Min(), threads.MeanMsByThreads[threads.Threads - 1]);
    }

    [Fact]
    public void Load_FixedThreads_ReportsThemUntuned()
    {
        using var engine = OnnxInferenceEngine.Load(Options, NullLogger.Instance);

        Assert.Equal(1, engine.Model.Threads!.Threads);
        Assert.False(engine.Model.Threads.Tuned);
        Assert.Empty(engine.Model.Threads.MeanMsByThreads);
    }

    [Fact]
    public void EmbedBatch_ModelWithAFixedBatchOfOne_RunsOneFrameAtATime_SameEmbeddings()
    {
        using var engine = OnnxInferenceEngine.Load(new InferenceOptions { ModelsPath = RepoPaths.ModelsDirectory, Providers = ["CPU"], IntraOpThreads = "1", WarmupRuns = 1, Model = "resnet18-fp32" }, NullLogger.Instance);
        Assert.Equal(1, engine.Model.MaxBatch); // the packaged fp32 resnet18's input is [1,3,224,224]
        Assert.Equal(224, engine.Model.InputSize);

        AssertBatchEqualsOneByOne(engine, 3);
    }

    [Fact]
    public void EmbedBatch_ShippedInt8Backbone_TakesABatch_EachFrameGetsTheEmbeddingItGetsAlone()
    {
        using var engine = OnnxInferenceEngine.Load(Options, NullLogger.Instance);
        Assert.Equal(8, engine.Model.MaxBatch); // models/resnet18-int8.onnx was written with compress --dynamic-batch

        AssertBatchEqualsOneByOne(engine, 3);
        AssertBatchEqualsOneByOne(engine, 8);
        AssertBatchEqualsOneByOne(engine, 9); // more than the model takes: one at a time
    }

    private static void AssertBatchEqualsOneByOne(OnnxInferenceEngine engine, int count)
    {
        var frames = Enumerable.Range(0, count).Select(i => Noise(10 + i)).ToList();
        try
        {
            var batched = new float[count * 512];
            engine.EmbedBatch(frames, batched);
            for (var i = 0; i < count; i++)
            {
                var alone = new float[512];
                engine.Embed(frames[i], alone);
                for (var j = 0; j < 512; j++)
                {
                    Assert.Equal(alone[j], batched[(i * 512) + j], 4);
                }
            }
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task Embed_TwoCallersAtOnce_EachGetsItsOwnFramesEmbedding()
    {
        using var engine = OnnxInferenceEngine.Load(Options, NullLogger.Instance);
        using var first = Noise(1);
        using var second = Noise(2);
        var expectedFirst = new float[512];
        var expectedSecond = new float[512];
        engine.Embed(first, expectedFirst);
        engine.Embed(second, expectedSecond);

        // Pre-processing of one overlaps the other's run (two input slots); neither may see the other's tensor.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var embedding = new float[512];
            engine.Embed(i % 2 == 0 ? first : second, embedding);
            return (i, embedding);
        })));

        Assert.All(results, r => Assert.Equal(r.i % 2 == 0 ? expectedFirst : expectedSecond, r.embedding));
    }

    [Fact]
    public async Task EmbedBatch_BatchesOfOneSizeAtOnce_EachGetsItsOwnFramesEmbeddings()
    {
        using var engine = OnnxInferenceEngine.Load(Options, NullLogger.Instance);
        var sets = new[] { Enumerable.Range(0, 3).Select(i => Noise(20 + i)).ToList(), Enumerable.Range(0, 3).Select(i => Noise(40 + i)).ToList() };
        try
        {
            var expected = sets.Select(frames =>
            {
                var embeddings = new float[3 * 512];
                engine.EmbedBatch(frames, embeddings);
                return embeddings;
            }).ToList();

            // Two input tensors per batch size, used in turn: one batch is pre-processed while the other runs, and
            // neither may see the other's frames.
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            {
                var embeddings = new float[3 * 512];
                engine.EmbedBatch(sets[i % 2], embeddings);
                return (i, embeddings);
            })));

            Assert.All(results, r => Assert.Equal(expected[r.i % 2], r.embeddings));
        }
        finally
        {
            foreach (var frame in sets.SelectMany(f => f))
            {
                frame.Dispose();
            }
        }
    }

    private static Frame Noise(int seed)
    {
        var rgb = new byte[320 * 240 * 3];
        new Random(seed).NextBytes(rgb);
        return Frame.Copy(seed, DateTimeOffset.UnixEpoch, 320, 240, FrameFormat.Rgb24, rgb);
    }
}
