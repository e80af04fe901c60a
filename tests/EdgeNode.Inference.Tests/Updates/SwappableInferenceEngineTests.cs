using EdgeNode.Core;
using EdgeNode.Inference.Updates;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>The swap seam with engines that fail or block on demand (the ONNX engine cannot be made to fail at a chosen call).</summary>
public sealed class SwappableInferenceEngineTests : IDisposable
{
    private readonly Frame _frame = Frame.Copy(1, DateTimeOffset.UnixEpoch, 2, 2, FrameFormat.Rgb24, new byte[12]);

    [Fact]
    public async Task Swap_HealthyModel_ReportsTheNewModelAndReleasesTheOldAfterTheCheck()
    {
        var old = new ScriptedEngine("old", 1f);
        var next = new ScriptedEngine("new", 2f);
        using var engine = new SwappableInferenceEngine(old);
        var embedding = new float[4];

        var verdict = engine.Swap(next, healthInferences: 3);
        Assert.Equal("new", engine.Model.Id);
        Assert.Equal("new", engine.Embed(_frame, embedding).Id);
        engine.Embed(_frame, embedding);
        Assert.False(verdict.IsCompleted);
        Assert.False(old.Disposed);
        engine.Embed(_frame, embedding);

        Assert.Equal(HealthOutcome.Passed, (await verdict).Outcome);
        Assert.True(old.Disposed);
        Assert.False(next.Disposed);
        Assert.Equal(2f, embedding[0]);
    }

    [Fact]
    public async Task Embed_NewModelThrows_RestoresTheOldModelAndRunsTheSameFrameOnIt()
    {
        var old = new ScriptedEngine("old", 1f);
        var broken = new ScriptedEngine("broken", 2f) { FailAfter = 1 };
        using var engine = new SwappableInferenceEngine(old);
        var embedding = new float[4];
        var verdict = engine.Swap(broken, healthInferences: 5);

        engine.Embed(_frame, embedding);
        var model = engine.Embed(_frame, embedding);

        var result = await verdict;
        Assert.Equal(HealthOutcome.Failed, result.Outcome);
        Assert.Contains("boom", result.Reason, StringComparison.Ordinal);
        Assert.Equal("old", model.Id);
        Assert.Equal(1f, embedding[0]);
        Assert.Equal("old", engine.Model.Id);
        Assert.True(broken.Disposed);
        Assert.False(old.Disposed);
    }

    [Fact]
    public async Task Embed_NewModelReturnsNaN_FailsTheHealthCheck()
    {
        var old = new ScriptedEngine("old", 1f);
        using var engine = new SwappableInferenceEngine(old);
        var verdict = engine.Swap(new ScriptedEngine("nan", float.NaN), healthInferences: 2);

        var model = engine.Embed(_frame, new float[4]);

        Assert.Equal(HealthOutcome.Failed, (await verdict).Outcome);
        Assert.Equal("old", model.Id);
    }

    [Fact]
    public async Task Swap_WhileACallIsInFlight_DisposesTheOldEngineOnlyWhenTheCallEnds()
    {
        var old = new ScriptedEngine("old", 1f) { Gate = new ManualResetEventSlim(false) };
        using var engine = new SwappableInferenceEngine(old);
        var inFlight = Task.Run(() => engine.Embed(_frame, new float[4]));
        Assert.True(old.Entered.Wait(TimeSpan.FromSeconds(10)));

        Assert.Equal(HealthOutcome.Passed, (await engine.Swap(new ScriptedEngine("new", 2f), healthInferences: 0)).Outcome);
        Assert.Equal("new", engine.Model.Id);
        Assert.False(old.Disposed);
        old.Gate.Set();

        Assert.Equal("old", (await inFlight).Id);
        Assert.True(old.Disposed);
        Assert.False(old.UsedAfterDispose);
    }

    [Fact]
    public async Task Swap_DuringAHealthCheck_SupersedesIt()
    {
        var first = new ScriptedEngine("first", 1f);
        var second = new ScriptedEngine("second", 2f);
        using var engine = new SwappableInferenceEngine(first);
        var checking = engine.Swap(second, healthInferences: 5);

        var next = engine.Swap(new ScriptedEngine("third", 3f), healthInferences: 1);
        engine.Embed(_frame, new float[4]);

        Assert.Equal(HealthOutcome.Superseded, (await checking).Outcome);
        Assert.Equal(HealthOutcome.Passed, (await next).Outcome);
        Assert.True(first.Disposed);
        Assert.True(second.Disposed);
    }

    public void Dispose() => _frame.Dispose();

    /// <summary>An engine that writes a constant, can fail after some calls, can block inside a call, and records misuse.</summary>
    private sealed class ScriptedEngine(string id, float value) : IInferenceEngine, IDisposable
    {
        private int _calls;

        public ModelInfo Model { get; } = new(id, "00", "CPU", 4);

        public int FailAfter { get; init; } = int.MaxValue;

        public ManualResetEventSlim? Gate { get; init; }

        public ManualResetEventSlim Entered { get; } = new(false);

        public bool Disposed { get; private set; }

        public bool UsedAfterDispose { get; private set; }

        public ModelInfo Embed(Frame frame, Span<float> embedding)
        {
            Entered.Set();
            Gate?.Wait(TimeSpan.FromSeconds(30));
            UsedAfterDispose |= Disposed;
            if (++_calls > FailAfter)
            {
                throw new InvalidOperationException("boom");
            }

            embedding.Fill(value);
            return Model;
        }

        public void Dispose() => Disposed = true;
    }
}
