using EdgeNode.Outbox;

namespace EdgeNode.Pipeline;

/// <summary>
/// Every camera's capture → its own bounded drop-oldest queue → one inference loop shared by all cameras → the storing
/// stage (<see cref="ResultCommitter"/>: group commits to the outbox) → publisher. The loop keeps up to
/// <see cref="IPipelinedInferenceEngine.MaxInFlight"/> frames in flight (2 for an engine without an asynchronous path:
/// the next frame is decoded, gated and pre-processed while the last one runs) and finishes them in the order it started
/// them, so results keep frame order per camera. Capture never waits for inference, storage or MQTT; a dead camera
/// stops only its own queue.
/// </summary>
internal sealed class PipelineService(
    CameraSet cameras,
    FrameProcessor processor,
    MessageWriter writer,
    ILogger<PipelineService> logger) : BackgroundService
{
    private int _next;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var seq = await writer.LastSequenceAsync(MessageKind.Result, stoppingToken);
        var model = processor.Model;
        var lanes = cameras.Lanes;
        NodeLog.PipelineStarted(logger, string.Join(", ", lanes.Select(l => $"{l.Name} ({l.Source.Name})")), model.Id, model.ExecutionProvider, seq);
        var inFlight = processor.Engine is IPipelinedInferenceEngine pipelined ? Math.Max(1, pipelined.MaxInFlight) : 2;
        NodeLog.PipelineShape(logger, lanes.Count, inFlight, processor.Engine is IPipelinedInferenceEngine
            ? "the engine pipelines frames itself, so they run one at a time"
            : model.MaxBatch > 1
                ? $"the model has a dynamic batch dimension: frames waiting together run as one batch of up to {model.MaxBatch}"
                : "the model has a fixed batch of 1, so frames run one at a time");

        var committer = new ResultCommitter(writer, logger);
        var storing = committer.RunAsync();
        using var captureStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var captures = lanes.Select(lane => CaptureAsync(lane, captureStop.Token)).ToArray();
        try
        {
            await InferAsync(inFlight, seq, committer, stoppingToken);
        }
        finally
        {
            // In-flight frames were finished and handed over above; everything handed over is stored before stopping.
            committer.Complete();
            await storing;
            await captureStop.CancelAsync();
            await Task.WhenAll(captures);
        }

        if (lanes.All(l => l.Ended) && lanes.FirstOrDefault(l => l.Failure is not null)?.Failure is { } failure && !stoppingToken.IsCancellationRequested)
        {
            throw new InvalidOperationException("Every camera stopped: " + failure.Message, failure);
        }
    }

    /// <summary>
    /// Keeps up to <paramref name="inFlight"/> units started (a frame, or a batch of the frames that were waiting
    /// together when the model takes a batch) and finishes the frames in the order they were taken.
    /// </summary>
    private async Task InferAsync(int inFlight, long seq, ResultCommitter committer, CancellationToken stoppingToken)
    {
        var window = new Queue<FrameJob>();
        var spare = new Stack<FrameJob>();
        var ready = new List<FrameJob>();
        var units = 0;
        var stopping = false;
        while (true)
        {
            var maxBatch = processor.Engine is IPipelinedInferenceEngine ? 1 : Math.Max(1, processor.Model.MaxBatch);
            // Frames the change gate answers from cache take no unit; the window bound keeps a fast camera of
            // unchanged frames from growing it without end.
            while (!stopping && units < inFlight && window.Count < (inFlight + 1) * maxBatch && TryTake(out var lane, out var frame))
            {
                var size = processor.Model.EmbeddingSize;
                var job = spare.Count > 0 ? spare.Pop() : new FrameJob(size, processor.Embed);
                job.Reset(lane, frame, size);
                processor.Begin(job);
                window.Enqueue(job);
                if (job.Input is not null && job.Error is null)
                {
                    ready.Add(job);
                    if (ready.Count == maxBatch)
                    {
                        units += Launch(ready, stoppingToken);
                    }
                }
            }

            units += Launch(ready, stoppingToken);

            if (window.Count == 0)
            {
                if (stopping || cameras.Lanes.All(l => l.Ended && l.QueueDepth == 0))
                {
                    return;
                }

                try
                {
                    await cameras.Arrivals.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    stopping = true;
                }

                continue;
            }

            var oldest = window.Dequeue();
            if (oldest.Pending is { } pending)
            {
                // Its outcome (an embedding or an error) is read by Finish.
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            stopping |= stoppingToken.IsCancellationRequested;
            if (processor.Finish(oldest, seq + 1) is { } result)
            {
                seq = result.Seq;
                await committer.AddAsync(result);
            }

            if (oldest.EndsUnit)
            {
                units--;
            }

            processor.Release(oldest);
            oldest.Clear();
            spare.Push(oldest);
        }
    }

    /// <summary>Starts the frames in <paramref name="ready"/> as one unit (none: nothing) and empties it; returns the units started.</summary>
    private int Launch(List<FrameJob> ready, CancellationToken stoppingToken)
    {
        if (ready.Count == 0)
        {
            return 0;
        }

        processor.StartBatch(ready, stoppingToken);
        ready[^1].EndsUnit = true;
        ready.Clear();
        return 1;
    }

    /// <summary>Takes the next waiting frame, visiting the cameras in turn so a busy one cannot starve the others.</summary>
    private bool TryTake(out CameraLane lane, out Frame frame)
    {
        var lanes = cameras.Lanes;
        for (var i = 0; i < lanes.Count; i++)
        {
            var candidate = lanes[(_next + i) % lanes.Count];
            if (candidate.Channel.Reader.TryRead(out var taken))
            {
                candidate.Room?.Release();
                _next = (_next + i + 1) % lanes.Count;
                lane = candidate;
                frame = taken;
                return true;
            }
        }

        lane = null!;
        frame = null!;
        return false;
    }

    private async Task CaptureAsync(CameraLane lane, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var frame in lane.Source.ReadFramesAsync(cancellationToken).WithCancellation(cancellationToken))
            {
                if (lane.Room is { } room && !await WaitForRoomAsync(room, frame, cancellationToken))
                {
                    break;
                }

                lane.Channel.Write(frame);
                cameras.Arrivals.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            // Sources that can recover restart inside their own loop (with back-off); one that gives up ends its camera only.
            lane.Failure = ex;
            NodeLog.CameraEnded(logger, lane.Name, ex.Message);
        }
        finally
        {
            lane.Ended = true;
            cameras.Arrivals.Release();
        }
    }

    private static async ValueTask<bool> WaitForRoomAsync(SemaphoreSlim room, Frame frame, CancellationToken cancellationToken)
    {
        try
        {
            await room.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            frame.Dispose();
            return false;
        }
    }
}
