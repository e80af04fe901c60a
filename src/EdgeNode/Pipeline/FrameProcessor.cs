using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Learning;
using EdgeNode.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Pipeline;

/// <summary>
/// One frame to one result: change gate → backbone (or the previous result reused) → novelty → head; then every
/// <see cref="IFrameObserver"/> sees the outcome. Used by one loop at a time (<see cref="PipelineService"/>).
/// </summary>
internal sealed class FrameProcessor(
    ChangeGate gate,
    IInferenceEngine engine,
    ActiveHead head,
    InferenceActivity inference,
    IEnumerable<IFrameObserver> observers,
    FrameRegion region,
    PredictionPolicy policy,
    TimeProvider time,
    ILogger<FrameProcessor> logger)
{
    private readonly IFrameObserver[] _observers = [.. observers];
    private float[]? _embedding;
    private NoveltyTracker? _novelty;
    private InferenceResult? _last;

    /// <summary>The model running now.</summary>
    public ModelInfo Model => engine.Model;

    /// <summary>Processes <paramref name="frame"/> as result number <paramref name="seq"/>; null when it could not be processed (counted and logged).</summary>
    public InferenceResult? Process(Frame frame, long seq)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _embedding ??= new float[engine.Model.EmbeddingSize];
        _novelty ??= new NoveltyTracker(_embedding.Length);
        var result = Infer(frame, seq, _embedding, _novelty, out var completed);
        if (result is not null)
        {
            _last = result;
        }

        var outcome = new FrameOutcome(result, result is null ? default : _embedding, completed);
        foreach (var observer in _observers)
        {
            observer.OnFrame(frame, outcome);
        }

        return result;
    }

    private InferenceResult? Infer(Frame frame, long seq, float[] embedding, NoveltyTracker novelty, out long completed)
    {
        var started = Stopwatch.GetTimestamp();
        var id = MessageEnvelope.NewId(time.GetUtcNow());
        var last = _last;
        try
        {
            var running = engine.Model;
            if (last is not null && (last.ModelId != running.Id || last.ModelVersion != running.Version))
            {
                // The model was swapped: its first result must be its own, not a cached one of the old model, and the
                // running mean of the old model's embeddings says nothing about the new one's.
                gate.Reset();
                novelty.Reset();
            }

            if (last is not null && !gate.ShouldInfer(frame))
            {
                completed = Stopwatch.GetTimestamp();
                return last with { Id = id, Seq = seq, Timestamp = frame.Timestamp, FrameSeq = frame.Sequence, LatencyMs = Stopwatch.GetElapsedTime(started, completed).TotalMilliseconds, Cached = true };
            }

            ModelInfo model;
            inference.Begin();
            try
            {
                // The region (EdgeNode:Region) is cut out before pre-processing; the change gate above saw the whole frame.
                using var cropped = region.Crop(frame);
                model = engine.Embed(cropped ?? frame, embedding);
            }
            finally
            {
                inference.End();
            }

            var score = novelty.Observe(embedding);
            var predicted = head.Classify(embedding);
            completed = Stopwatch.GetTimestamp();
            var latency = Stopwatch.GetElapsedTime(started, completed).TotalMilliseconds;
            return new InferenceResult(id, seq, frame.Timestamp, model.Id, policy.LabelOf(predicted), predicted?.Confidence, score, frame.Sequence, latency, HeadVersion: predicted?.HeadVersion, ModelVersion: model.Version);
        }
        catch (InvalidDataException ex)
        {
            completed = Stopwatch.GetTimestamp();
            NodeLog.FrameFailed(logger, frame.Sequence, ex.Message);
            return null;
        }
    }
}
