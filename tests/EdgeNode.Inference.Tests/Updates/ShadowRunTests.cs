using EdgeNode.Core;
using EdgeNode.Inference.Updates;
using EdgeNode.Learning;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>The comparison and its thresholds, with engines whose embeddings are chosen per frame and a really trained head.</summary>
public sealed class ShadowRunTests : IDisposable
{
    private const int Size = 8;
    private readonly List<Frame> _frames = [.. Enumerable.Range(0, 4).Select(i => Frame.Copy(i, DateTimeOffset.UnixEpoch, 1, 1, FrameFormat.Rgb24, new byte[3]))];
    private readonly ActiveHead _head = new();

    public ShadowRunTests()
    {
        // A head that tells the four frames' current embeddings apart: class "c{i}" for one-hot direction i.
        var data = new SampleSet(Size);
        var embedding = new float[Size];
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                OneHot(i, embedding);
                data.Add(embedding, "c" + i);
            }
        }

        var head = new HeadModel(Size);
        HeadTrainer.Train(head, data, new TrainingOptions { Epochs = 200, LearningRate = 0.05f });
        _head.Swap(head, new HeadInfo(1, DateTimeOffset.UnixEpoch, "m", 1, 80));
    }

    [Fact]
    public void Compare_SameEmbeddings_FullCosineAndAgreement()
    {
        var report = ShadowRun.Compare(new PerFrame("a", i => i), new PerFrame("b", i => i), _frames, _head);

        Assert.Equal(4, report.Frames);
        Assert.Equal(1.0, report.MeanCosine!.Value, 5);
        Assert.Equal(1.0, report.HeadAgreement);
    }

    [Fact]
    public void Compare_EmbeddingsOfOtherFrames_NoAgreement_AndTheThresholdsRefuseIt()
    {
        var report = ShadowRun.Compare(new PerFrame("a", i => i), new PerFrame("b", i => (i + 1) % 4), _frames, _head);

        Assert.Equal(0.0, report.MeanCosine!.Value, 5);
        Assert.Equal(0.0, report.HeadAgreement);
        using var checks = Checks(new ModelUpdateOptions { MinShadowCosine = 0 });
        var ex = Assert.Throws<ModelUpdateException>(() => checks.Shadow(report));
        Assert.Equal(ModelUpdateErrors.ShadowRejected, ex.Code);
        Assert.Contains("MinHeadAgreement", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_NoFramesOrNoHead_SkipsWhatItCannotMeasure()
    {
        var noFrames = ShadowRun.Compare(new PerFrame("a", i => i), new PerFrame("b", i => i + 1), [], _head);
        var noHead = ShadowRun.Compare(new PerFrame("a", i => i), new PerFrame("b", i => i), _frames, new ActiveHead());
        using var checks = Checks(new ModelUpdateOptions());

        Assert.Equal(new ShadowReport(0, null, null), noFrames);
        Assert.Null(noHead.HeadAgreement);
        checks.Shadow(noFrames);
        checks.Shadow(noHead);
    }

    [Fact]
    public void Compare_CandidateReturnsNaN_IsRejected()
    {
        var ex = Assert.Throws<ModelUpdateException>(() => ShadowRun.Compare(new PerFrame("a", i => i), new PerFrame("b", _ => -1), _frames, _head));

        Assert.Equal(ModelUpdateErrors.ShadowRejected, ex.Code);
    }

    public void Dispose()
    {
        foreach (var frame in _frames)
        {
            frame.Dispose();
        }
    }

    private static UpdateChecks Checks(ModelUpdateOptions options) => new(TrustedModelKeys.Load([], optional: true), options);

    private static void OneHot(int direction, Span<float> embedding)
    {
        embedding.Clear();
        if (direction < 0)
        {
            embedding.Fill(float.NaN);
            return;
        }

        embedding[direction % Size] = 1;
    }

    /// <summary>Embeds frame i as the one-hot vector of direction(i) (negative: NaN).</summary>
    private sealed class PerFrame(string id, Func<int, int> direction) : IInferenceEngine
    {
        public ModelInfo Model { get; } = new(id, "00", "CPU", Size);

        public ModelInfo Embed(Frame frame, Span<float> embedding)
        {
            OneHot(direction((int)frame.Sequence), embedding);
            return Model;
        }
    }
}
