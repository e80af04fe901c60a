using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Tests.Pipeline;

/// <summary>The processor with the real change gate, head and metrics; the backbone is faked at its port (<see cref="IInferenceEngine"/>).</summary>
public sealed class FrameProcessorTests : IDisposable
{
    private readonly FakeEngine _engine = new();
    private readonly CameraLane _lane = new("camera", new SyntheticFrameSource(new CameraOptions(), new CaptureCounters(), TimeProvider.System), new CaptureCounters(), new ChangeGate(Options.Create(new ChangeGateOptions())), new FrameRegion(Monitor<RegionOptions>()), uncapped: false);
    private readonly InferenceActivity _activity = new();
    private readonly NodeMetrics _metrics = new();
    private readonly RecordingObserver _observer = new();
    private readonly FrameProcessor _processor;

    public FrameProcessorTests() =>
        _processor = new FrameProcessor(_engine, new ActiveHead(), _activity, [_observer, _metrics], new PredictionPolicy(Monitor<PredictionOptions>()), new FakeTimeProvider(), NullLogger<FrameProcessor>.Instance);

    private static OptionsMonitor<T> Monitor<T>()
        where T : class =>
        new(new OptionsFactory<T>([], []), [], new OptionsCache<T>());

    [Fact]
    public void Process_FirstFrame_InfersAndEveryObserverSeesTheResultAndEmbedding()
    {
        using var frame = Grey(1, 100);

        var result = _processor.Process(_lane, frame, seq: 7);

        Assert.NotNull(result);
        Assert.Equal(7, result.Seq);
        Assert.Equal(1, result.FrameSeq);
        Assert.False(result.Cached);
        Assert.Null(result.Label); // no head trained: never an invented class
        Assert.Equal("fake", result.ModelId);
        Assert.Equal(1, _engine.Calls);
        var seen = Assert.Single(_observer.Seen);
        Assert.Same(result, seen.Result);
        Assert.Equal(_engine.LastEmbedding, seen.Embedding);
        Assert.Equal(1, _metrics.Inferences);
    }

    [Fact]
    public void Process_UnchangedFrame_ReusesTheResultAsCached()
    {
        using var first = Grey(1, 100);
        using var reference = Grey(2, 100);
        using var same = Grey(3, 100);

        // The gate is first asked about the second frame, which becomes its reference.
        _processor.Process(_lane, first, 1);
        var inferred = _processor.Process(_lane, reference, 2)!;
        var cached = _processor.Process(_lane, same, 3)!;

        Assert.False(inferred.Cached);
        Assert.True(cached.Cached);
        Assert.Equal(2, _engine.Calls);
        Assert.NotEqual(inferred.Id, cached.Id);
        Assert.Equal(3, cached.Seq);
        Assert.Equal(3, cached.FrameSeq);
        Assert.Equal(_engine.LastEmbedding, _observer.Seen[2].Embedding); // the last embedding inferred
        Assert.Equal(1, _metrics.FramesSkipped);
    }

    [Fact]
    public void Process_ChangedFrame_InfersAgain()
    {
        using var first = Grey(1, 100);
        using var changed = Grey(2, 200);

        _processor.Process(_lane, first, 1);
        var result = _processor.Process(_lane, changed, 2)!;

        Assert.False(result.Cached);
        Assert.Equal(2, _engine.Calls);
        Assert.True(result.Novelty > 0);
    }

    [Fact]
    public void Process_ModelSwapped_InfersTheUnchangedFrameWithTheNewModel()
    {
        using var first = Grey(1, 100);
        using var reference = Grey(2, 100);
        using var same = Grey(3, 100);
        _processor.Process(_lane, first, 1);
        _processor.Process(_lane, reference, 2);

        _engine.Model = _engine.Model with { Version = "2" };
        var result = _processor.Process(_lane, same, 3)!;

        Assert.False(result.Cached);
        Assert.Equal("2", result.ModelVersion);
        Assert.Equal(0, result.Novelty); // the running mean starts again with the new model
    }

    [Fact]
    public void Process_CorruptFrame_ReturnsNullCountsItAndObserversSeeTheFailure()
    {
        using var corrupt = Frame.Copy(1, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, [0xFF, 0xD8, 0x00]);
        _engine.Refuse = true;

        var result = _processor.Process(_lane, corrupt, 1);

        Assert.Null(result);
        var seen = Assert.Single(_observer.Seen);
        Assert.Null(seen.Result);
        Assert.Empty(seen.Embedding);
        Assert.Equal(1, _metrics.FramesFailed);
        Assert.Equal(0, _metrics.Inferences);
    }

    public void Dispose()
    {
        _lane.Dispose();
        _activity.Dispose();
    }

    private static Frame Grey(long sequence, byte value)
    {
        var pixels = new byte[64 * 48 * 3];
        Array.Fill(pixels, value);
        return Frame.Copy(sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), 64, 48, FrameFormat.Rgb24, pixels);
    }

    private sealed class FakeEngine : IInferenceEngine
    {
        public ModelInfo Model { get; set; } = new("fake", "00", "CPU", 4);

        public int Calls { get; private set; }

        public bool Refuse { get; set; }

        public float[] LastEmbedding { get; private set; } = [];

        public ModelInfo Embed(Frame frame, Span<float> embedding)
        {
            if (Refuse)
            {
                throw new InvalidDataException("The frame is not a decodable image.");
            }

            Calls++;
            // A direction that depends on the frame: different frames give a non-zero cosine distance.
            var level = frame.Data[0] / 255f;
            embedding[0] = level;
            embedding[1] = 1 - level;
            embedding[2] = 0.5f;
            embedding[3] = level * level;
            LastEmbedding = embedding.ToArray();
            return Model;
        }
    }

    private sealed class RecordingObserver : IFrameObserver
    {
        public List<(InferenceResult? Result, float[] Embedding)> Seen { get; } = [];

        public void OnFrame(Frame frame, in FrameOutcome outcome) => Seen.Add((outcome.Result, outcome.Embedding.ToArray()));
    }
}
