using System.Diagnostics;
using EdgeNode.Learning;
using EdgeNode.Outbox;

namespace EdgeNode.Pipeline;

/// <summary>
/// One frame to one result, in two halves around the backbone so that several frames can be in flight:
/// <see cref="Begin"/> (JPEG decoded once, the camera's change gate, its region) and <see cref="Finish"/> (novelty,
/// head, the result; then every <see cref="IFrameObserver"/> sees the outcome). Both run on the pipeline's one loop,
/// in frame order per camera; the per-camera state lives in the <see cref="CameraLane"/>.
/// </summary>
internal sealed class FrameProcessor(
    IInferenceEngine engine,
    ActiveHead head,
    InferenceActivity inference,
    IEnumerable<IFrameObserver> observers,
    PredictionPolicy policy,
    TimeProvider time,
    ILogger<FrameProcessor> logger)
{
    private readonly IFrameObserver[] _observers = [.. observers];
    private readonly Stack<FrameBatch> _spareBatches = new();

    /// <summary>The model running now.</summary>
    public ModelInfo Model => engine.Model;

    /// <summary>The engine the frames run on.</summary>
    public IInferenceEngine Engine => engine;

    /// <summary>The engine's synchronous call, with the trainer told that inference runs.</summary>
    public ModelInfo Embed(FrameJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        inference.Begin();
        try
        {
            return engine.Embed(job.Input!, job.Embedding);
        }
        finally
        {
            inference.End();
        }
    }

    /// <summary>
    /// Starts the inference of a job that <see cref="Begin"/> left with an <see cref="FrameJob.Input"/>: through the
    /// engine's own asynchronous path when it has one (split inference), else on a pool thread, so the loop can prepare
    /// the next frame meanwhile.
    /// </summary>
    public void Start(FrameJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (engine is IPipelinedInferenceEngine pipelined)
        {
            inference.Begin();
            job.ActivityOpen = true;
            job.Pending = pipelined.EmbedAsync(job.Input!, job.Embedding, CanReuse(job.Lane), cancellationToken);
        }
        else
        {
            job.Pending = job.RunOnPool();
        }
    }

    /// <summary>
    /// Starts <paramref name="jobs"/> (each left with an <see cref="FrameJob.Input"/> by <see cref="Begin"/>) as one
    /// batch on a pool thread; the last job carries the batch until <see cref="Release"/>. One job starts as <see cref="Start"/> does.
    /// </summary>
    public void StartBatch(IReadOnlyList<FrameJob> jobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 1)
        {
            Start(jobs[0], cancellationToken);
            return;
        }

        var batch = _spareBatches.Count > 0 ? _spareBatches.Pop() : new FrameBatch(engine, inference);
        var pending = batch.Start(jobs);
        foreach (var job in jobs)
        {
            job.Pending = pending;
        }

        jobs[^1].Batch = batch;
    }

    /// <summary>Takes back the batch a finished job carried, for the next batch (the pipeline's loop only).</summary>
    public void Release(FrameJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Batch is { } batch)
        {
            job.Batch = null;
            _spareBatches.Push(batch);
        }
    }

    /// <summary>
    /// Decides what the frame needs: a JPEG is decoded once (the gate's thumbnail and the pre-processing read the same
    /// pixels), the gate may reuse the camera's last result (<see cref="FrameJob.Cached"/>), else the region is cut out
    /// and <see cref="FrameJob.Input"/> is what the model reads. A frame that cannot be decoded sets <see cref="FrameJob.Error"/>.
    /// </summary>
    public void Begin(FrameJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var lane = job.Lane;
        var frame = job.Frame;
        job.Started = Stopwatch.GetTimestamp();
        job.Id = MessageEnvelope.NewId(time.GetUtcNow());
        var running = engine.Model;
        lane.Novelty ??= new NoveltyTracker(running.EmbeddingSize);
        if (lane.Last is { } last && (last.ModelId != running.Id || last.ModelVersion != running.Version))
        {
            // The model was swapped: its first result must be its own, not a cached one of the old model, and the
            // running mean of the old model's embeddings says nothing about the new one's.
            lane.Gate.Reset();
            lane.Novelty.Reset();
        }

        try
        {
            var view = frame;
            if (frame.Format == FrameFormat.Jpeg)
            {
                // With a region the crop is in full-frame pixels, so the frame is decoded at full size.
                job.Decoded = lane.Decoder.Decode(frame, lane.Region.Current is null ? running.InputSize : 0);
                view = job.Decoded;
            }

            if (lane.Last is not null && !lane.Gate.ShouldInfer(view))
            {
                job.Cached = true;
                return;
            }

            // The region (EdgeNode:Region) is cut out before pre-processing; the change gate above saw the whole frame.
            job.Cropped = lane.Region.Crop(view);
            job.Input = job.Cropped ?? view;
        }
        catch (InvalidDataException ex)
        {
            job.Error = ex.Message;
        }
    }

    /// <summary>
    /// Turns the finished job into result <paramref name="seq"/> (null when the frame failed: counted and logged), lets
    /// every observer see it, and updates the camera's state. <see cref="FrameJob.Pending"/> must be complete.
    /// </summary>
    public InferenceResult? Finish(FrameJob job, long seq)
    {
        ArgumentNullException.ThrowIfNull(job);
        var lane = job.Lane;
        InferenceResult? result = null;
        long completed;
        ReadOnlySpan<float> embedding = default;
        var model = job.Error is null && !job.Cached && job.Pending is { } pending ? Await(job, pending) : null;
        if (job.Error is null && job.Cached && lane.Last is { } last)
        {
            completed = Stopwatch.GetTimestamp();
            result = last with { Id = job.Id, Seq = seq, Timestamp = job.Frame.Timestamp, FrameSeq = job.Frame.Sequence, LatencyMs = Stopwatch.GetElapsedTime(job.Started, completed).TotalMilliseconds, Cached = true };
            embedding = lane.LastEmbedding;
        }
        else if (model is not null)
        {
            result = Inferred(job, model, seq, out completed);
            embedding = job.Embedding.AsSpan(0, model.EmbeddingSize);
        }
        else
        {
            completed = Stopwatch.GetTimestamp();
        }

        if (job.Error is not null)
        {
            NodeLog.FrameFailed(logger, job.Frame.Sequence, job.Error);
        }

        if (result is not null)
        {
            lane.Remember(result, embedding);
        }

        var outcome = new FrameOutcome(result, embedding, completed);
        foreach (var observer in _observers)
        {
            observer.OnFrame(job.Frame, outcome);
        }

        ((IFrameObserver)lane.Metrics).OnFrame(job.Frame, outcome);
        return result;
    }

    /// <summary>
    /// Waits for the frame's embedding. Null with <see cref="FrameJob.Error"/> set when the frame has no result; null with
    /// <see cref="FrameJob.Cached"/> set when a split head that could not finish it remotely hands it the camera's last
    /// result (<c>EdgeNode__Split__Fallback=cached</c>).
    /// </summary>
    private ModelInfo? Await(FrameJob job, Task<ModelInfo> pending)
    {
        try
        {
            return pending.GetAwaiter().GetResult();
        }
        catch (RemoteInferenceUnavailableException)
        {
            if (CanReuse(job.Lane))
            {
                job.Cached = true;
                return null;
            }

            // The model was swapped between the engine's answer and now: the last result is of the old model, so the frame
            // runs whole here (the split head counted it as cached; it checks for a swap itself, so this window is short).
            return engine.Embed(job.Input!, job.Embedding);
        }
        catch (Exception ex) when (ex is InvalidDataException or OperationCanceledException)
        {
            // Undecodable, or a split-inference call cancelled by the stop: this frame has no result.
            job.Error = ex.Message;
            return null;
        }
        finally
        {
            if (job.ActivityOpen)
            {
                job.ActivityOpen = false;
                inference.End();
            }
        }
    }

    /// <summary>True when the lane holds a result of the running model that a frame may reuse.</summary>
    private bool CanReuse(CameraLane lane) =>
        lane.Last is { } last && last.ModelId == engine.Model.Id && last.ModelVersion == engine.Model.Version;

    private InferenceResult Inferred(FrameJob job, ModelInfo model, long seq, out long completed)
    {
        var embedding = job.Embedding.AsSpan(0, model.EmbeddingSize);
        var score = job.Lane.Novelty!.Observe(embedding);
        var predicted = head.Classify(embedding);
        completed = Stopwatch.GetTimestamp();
        var latency = Stopwatch.GetElapsedTime(job.Started, completed).TotalMilliseconds;
        return new InferenceResult(job.Id, seq, job.Frame.Timestamp, model.Id, policy.LabelOf(predicted), predicted?.Confidence, score, job.Frame.Sequence, latency, HeadVersion: predicted?.HeadVersion, ModelVersion: model.Version, Camera: job.Lane.Name);
    }
}
