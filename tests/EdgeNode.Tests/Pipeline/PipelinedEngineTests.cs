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
/// The pipeline service with a real SQLite outbox and real change gates; the split-inference seam
/// (<see cref="IPipelinedInferenceEngine"/>) and the cameras are faked. Calls finish out of order; results are stored in
/// the order the frames were started, never more than <c>MaxInFlight</c> at once.
/// </summary>
public sealed class PipelinedEngineTests
{
    [Fact]
    public async Task Run_PipelinedEngineFinishingOutOfOrder_KeepsTheBoundAndStoresInStartOrder()
    {
        await using var outbox = await OutboxHarness.OpenAsync();
        var camera = new FakeCamera("cam-a");
        var engine = new OutOfOrderEngine(maxInFlight: 3);
        using var cameras = new CameraSet([PipelineRig.Lane(camera)]);
        using var activity = new InferenceActivity();
        var processor = PipelineRig.Processor(engine, activity);
        using var service = new PipelineService(cameras, processor, outbox.Writer, NullLogger<PipelineService>.Instance);
        for (var i = 1; i <= 9; i++)
        {
            camera.Push((byte)(i * 20));
        }

        await service.StartAsync(CancellationToken.None);
        for (var round = 0; round < 3; round++)
        {
            await Eventually.TrueAsync(() => engine.Outstanding == 3, $"three calls outstanding in round {round}");
            engine.CompleteNewestFirst();
        }

        await Eventually.TrueAsync(() => PipelineRig.Stored(outbox).Result.Count == 9, "nine results stored");
        await service.StopAsync(CancellationToken.None);

        var stored = await PipelineRig.Stored(outbox);
        Assert.Equal(3, engine.MaxOutstanding);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), stored.Select(r => r.GetProperty("frameSeq").GetInt64()));
        Assert.All(stored, r => Assert.Equal("cam-a", r.GetProperty("camera").GetString()));
        var seqs = stored.Select(r => r.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    [Fact]
    public async Task Run_OneCameraFails_TheOtherKeepsProducingInItsOwnOrder()
    {
        await using var outbox = await OutboxHarness.OpenAsync();
        var failing = new FakeCamera("dead");
        var healthy = new FakeCamera("alive");
        var engine = new OutOfOrderEngine(maxInFlight: 2) { AutoComplete = true };
        using var cameras = new CameraSet([PipelineRig.Lane(failing), PipelineRig.Lane(healthy)]);
        using var activity = new InferenceActivity();
        var processor = PipelineRig.Processor(engine, activity);
        using var service = new PipelineService(cameras, processor, outbox.Writer, NullLogger<PipelineService>.Instance);
        failing.Push(10);
        healthy.Push(20);

        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => PipelineRig.Stored(outbox).Result.Count == 2, "a result of each camera");
        failing.Fail();
        await Eventually.TrueAsync(() => cameras.Lanes[0].Ended, "the failing camera ended");
        for (var i = 0; i < 5; i++)
        {
            healthy.Push((byte)(40 + (i * 30)));
        }

        await Eventually.TrueAsync(() => PipelineRig.Stored(outbox).Result.Count == 7, "the healthy camera's five later frames stored");
        Assert.False(cameras.Lanes[1].Ended);
        await service.StopAsync(CancellationToken.None);

        var stored = await PipelineRig.Stored(outbox);
        var alive = stored.Where(r => r.GetProperty("camera").GetString() == "alive").Select(r => r.GetProperty("frameSeq").GetInt64()).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], alive);
        Assert.Single(stored, r => r.GetProperty("camera").GetString() == "dead");
        Assert.IsType<IOException>(cameras.Lanes[0].Failure);
        Assert.Null(cameras.Lanes[1].Failure);
    }

    /// <summary>Split inference faked at its port: each call waits until the test completes it, newest first.</summary>
    private sealed class OutOfOrderEngine(int maxInFlight) : IPipelinedInferenceEngine
    {
        private readonly Lock _gate = new();
        private readonly List<TaskCompletionSource<ModelInfo>> _pending = [];

        public ModelInfo Model { get; } = new("fake", "00", "remote", 4);

        public int MaxInFlight => maxInFlight;

        public bool AutoComplete { get; init; }

        public int Outstanding
        {
            get
            {
                lock (_gate)
                {
                    return _pending.Count;
                }
            }
        }

        public int MaxOutstanding { get; private set; }

        public ModelInfo Embed(Frame frame, Span<float> embedding) => throw new InvalidOperationException("The pipeline must use EmbedAsync.");

        public Task<ModelInfo> EmbedAsync(Frame frame, Memory<float> embedding, bool canReuse, CancellationToken cancellationToken)
        {
            var level = frame.Data[0] / 255f;
            embedding.Span[0] = level;
            embedding.Span[1] = 1 - level;
            embedding.Span[2] = 0.5f;
            embedding.Span[3] = level * level;
            if (AutoComplete)
            {
                return Task.FromResult(Model);
            }

            var call = new TaskCompletionSource<ModelInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _pending.Add(call);
                MaxOutstanding = Math.Max(MaxOutstanding, _pending.Count);
            }

            return call.Task;
        }

        public void CompleteNewestFirst()
        {
            List<TaskCompletionSource<ModelInfo>> calls;
            lock (_gate)
            {
                calls = [.. _pending];
                _pending.Clear();
            }

            calls.Reverse();
            foreach (var call in calls)
            {
                call.SetResult(Model);
            }
        }
    }
}
