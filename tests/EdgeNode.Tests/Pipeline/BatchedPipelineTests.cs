using System.Collections.Concurrent;
using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using EdgeNode.Testing;
using EdgeNode.Tests.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Pipeline;

/// <summary>
/// The pipeline service with a real SQLite outbox and an engine faked at its port that takes a batch: frames of
/// several cameras waiting together run as one <see cref="IInferenceEngine.EmbedBatch"/>, each frame gets its own
/// embedding back, results keep frame order per camera, and a frame the batch cannot pre-process costs only itself.
/// </summary>
public sealed class BatchedPipelineTests
{
    [Fact]
    public async Task Run_ModelTakesABatch_WaitingFramesOfThreeCamerasRunAsBatches_EachGetsItsOwnEmbedding()
    {
        var run = await RunAsync(maxBatch: 4, cameras: 3, framesPerCamera: 4);

        Assert.Equal(12, run.Stored.Count);
        Assert.True(run.Engine.Batches.Max() > 1, "no batch of more than one frame: " + string.Join(",", run.Engine.Batches));
        Assert.All(run.Engine.Batches, size => Assert.InRange(size, 1, 4));
        Assert.Equal(12, run.Engine.Batches.Sum());
        AssertInOrderPerCamera(run.Stored);
        Assert.All(run.Seen, s => Assert.Equal(s.Level / 255f, s.First, 6));
    }

    [Fact]
    public async Task Run_OneFrameOfABatchCannotBePreprocessed_OnlyThatFrameHasNoResult()
    {
        var run = await RunAsync(maxBatch: 4, cameras: 2, framesPerCamera: 4, bad: FakeBatchEngine.BadLevel);

        Assert.Equal(7, run.Stored.Count);
        Assert.Single(run.Seen, s => s.Level == FakeBatchEngine.BadLevel && !s.HasResult);
        Assert.All(run.Seen.Where(s => s.Level != FakeBatchEngine.BadLevel), s => Assert.True(s.HasResult && Math.Abs(s.First - (s.Level / 255f)) < 1e-6));
        AssertInOrderPerCamera(run.Stored);
    }

    [Fact]
    public async Task Run_ModelWithAFixedBatchOfOne_FramesRunOneAtATime()
    {
        var run = await RunAsync(maxBatch: 1, cameras: 3, framesPerCamera: 3);

        Assert.Equal(9, run.Stored.Count);
        Assert.All(run.Engine.Batches, size => Assert.Equal(1, size));
        AssertInOrderPerCamera(run.Stored);
    }

    private static async Task<Run> RunAsync(int maxBatch, int cameras, int framesPerCamera, byte? bad = null)
    {
        await using var outbox = await OutboxHarness.OpenAsync();
        var fakes = Enumerable.Range(0, cameras).Select(i => new FakeCamera("cam" + i)).ToList();
        using var engine = new FakeBatchEngine(maxBatch);
        using var set = new CameraSet([.. fakes.Select(PipelineRig.Lane)]);
        using var activity = new InferenceActivity();
        var seen = new Seen();
        var processor = new FrameProcessor(engine, new ActiveHead(), activity, [seen], new PredictionPolicy(PipelineRig.Monitor<PredictionOptions>()), TimeProvider.System, NullLogger<FrameProcessor>.Instance);
        using var service = new PipelineService(set, processor, outbox.Writer, NullLogger<PipelineService>.Instance);
        for (var f = 0; f < framesPerCamera; f++)
        {
            for (var c = 0; c < cameras; c++)
            {
                var level = (byte)(10 + (f * 40) + (c * 10));
                fakes[c].Push(bad is { } b && c == 1 && f == 2 ? b : level);
            }
        }

        // The first run waits until every frame is queued, so later frames find company.
        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => set.Lanes.Sum(l => l.QueueDepth) + engine.Taken >= cameras * framesPerCamera, "every frame queued or taken");
        engine.Open();
        var expected = (cameras * framesPerCamera) - (bad is null ? 0 : 1);
        await Eventually.TrueAsync(() => PipelineRig.Stored(outbox).Result.Count == expected, $"{expected} results stored");
        await service.StopAsync(CancellationToken.None);
        return new Run(engine, await PipelineRig.Stored(outbox), [.. seen.Frames]);
    }

    private static void AssertInOrderPerCamera(List<JsonElement> stored)
    {
        foreach (var camera in stored.GroupBy(r => r.GetProperty("camera").GetString()))
        {
            var frames = camera.Select(r => r.GetProperty("frameSeq").GetInt64()).ToList();
            Assert.Equal(frames.Order(), frames);
        }

        var seqs = stored.Select(r => r.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    private sealed record Run(FakeBatchEngine Engine, List<JsonElement> Stored, List<(byte Level, float First, bool HasResult)> Seen);

    /// <summary>What every observer saw: the frame's level, the embedding's first value, whether it got a result.</summary>
    private sealed class Seen : IFrameObserver
    {
        public ConcurrentQueue<(byte Level, float First, bool HasResult)> Frames { get; } = new();

        public void OnFrame(Frame frame, in FrameOutcome outcome) =>
            Frames.Enqueue((frame.Data[0], outcome.Embedding.IsEmpty ? float.NaN : outcome.Embedding[0], outcome.Result is not null));
    }

    /// <summary>
    /// A backbone faked at the engine port: embedding[0] is the frame's level / 255; a frame of <see cref="BadLevel"/>
    /// cannot be pre-processed (the whole batch throws, as a real batched run does). Runs wait until <see cref="Open"/>.
    /// </summary>
    private sealed class FakeBatchEngine(int maxBatch) : IInferenceEngine, IDisposable
    {
        public const byte BadLevel = 13;
        private readonly ManualResetEventSlim _open = new();
        private int _taken;

        public ModelInfo Model { get; } = new("fake", "00", "cpu", 4, MaxBatch: maxBatch);

        public ConcurrentQueue<int> Batches { get; } = new();

        public int Taken => Volatile.Read(ref _taken);

        public void Open() => _open.Set();

        public void Dispose() => _open.Dispose();

        public ModelInfo Embed(Frame frame, Span<float> embedding)
        {
            Interlocked.Increment(ref _taken);
            _open.Wait();
            Batches.Enqueue(1);
            Write(frame, embedding);
            return Model;
        }

        public ModelInfo EmbedBatch(IReadOnlyList<Frame> frames, Span<float> embeddings)
        {
            if (frames.Count > maxBatch)
            {
                throw new InvalidOperationException($"A batch of {frames.Count} for a model that takes {maxBatch}.");
            }

            if (frames.Count == 1)
            {
                return Embed(frames[0], embeddings);
            }

            Interlocked.Add(ref _taken, frames.Count);
            _open.Wait();
            if (frames.Any(f => f.Data[0] == BadLevel))
            {
                throw new InvalidDataException("a frame of the batch cannot be pre-processed");
            }

            Batches.Enqueue(frames.Count);
            for (var i = 0; i < frames.Count; i++)
            {
                Write(frames[i], embeddings.Slice(i * 4, 4));
            }

            return Model;
        }

        private static void Write(Frame frame, Span<float> embedding)
        {
            if (frame.Data[0] == BadLevel)
            {
                throw new InvalidDataException("this frame cannot be pre-processed");
            }

            var level = frame.Data[0] / 255f;
            embedding[0] = level;
            embedding[1] = 1 - level;
            embedding[2] = 0.5f;
            embedding[3] = level * level;
        }
    }
}
