using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Learning;
using EdgeNode.Web;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Services;

/// <summary>
/// Capture → bounded drop-oldest channel → change gate → backbone → result committed to SQLite → publisher.
/// Capture never waits for inference, storage or MQTT; a lost broker only grows the outbox.
/// </summary>
internal sealed partial class PipelineService(
    IFrameSource source,
    FrameChannel channel,
    ChangeGate gate,
    ILastFrame lastFrame,
    IInferenceEngine engine,
    ActiveHead head,
    RecentEmbeddings recent,
    RecentImages images,
    InferenceActivity inference,
    IOutboxStore store,
    OutboxSignal signal,
    NodeMetrics metrics,
    NodeIdentity identity,
    LiveValues live,
    FrameRegion region,
    PredictionPolicy policy,
    TimeProvider time,
    ILogger<PipelineService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var seq = await store.GetLastSequenceAsync(MessageKind.Result, stoppingToken);
        var embedding = new float[engine.Model.EmbeddingSize];
        var novelty = new NoveltyTracker(embedding.Length);
        InferenceResult? last = null;
        LogStarted(logger, source.Name, engine.Model.Id, engine.Model.ExecutionProvider, seq);

        using var captureStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var capture = channel.PumpAsync(source, captureStop.Token);
        try
        {
            await foreach (var frame in channel.Reader.ReadAllAsync(stoppingToken))
            {
                using (frame)
                {
                    lastFrame.Update(frame);
                    var result = Process(frame, ++seq, embedding, novelty, last);
                    if (result is null)
                    {
                        seq--;
                        continue;
                    }

                    last = result;
                    live.Report(result);

                    // Committed before anything else happens to it; never cancelled half-way.
                    var payload = ResultJson.Serialize(result, identity.NodeId);
                    try
                    {
                        await store.AppendAsync([new PendingMessage(result.Id, MessageKind.Result, identity.Topics.Results, payload, result.Timestamp, result.Seq)], CancellationToken.None);
                    }
                    catch (IOException ex)
                    {
                        // Full disk or I/O error: the store counts and reports it; the node keeps running.
                        LogStoreFailed(logger, result.Seq, ex.Message);
                        continue;
                    }

                    signal.Set();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the frame in flight was finished and stored above.
        }
        finally
        {
            await captureStop.CancelAsync();
            try
            {
                await capture;
            }
            catch (OperationCanceledException)
            {
                // Capture stopped.
            }
        }
    }

    private InferenceResult? Process(Frame frame, long seq, float[] embedding, NoveltyTracker novelty, InferenceResult? last)
    {
        var started = Stopwatch.GetTimestamp();
        var id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
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
                metrics.RecordSkipped();
                RecordImage(id, frame);
                recent.Record(id, frame.Timestamp, embedding, last.ModelId);

                return last with { Id = id, Seq = seq, Timestamp = frame.Timestamp, FrameSeq = frame.Sequence, LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Cached = true };
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
            RecordImage(id, frame);
            recent.Record(id, frame.Timestamp, embedding, model.Id);

            var predicted = head.Classify(embedding);
            var ended = Stopwatch.GetTimestamp();
            var latency = Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds;
            metrics.RecordInference(latency, ended);
            return new InferenceResult(id, seq, frame.Timestamp, model.Id, policy.LabelOf(predicted), predicted?.Confidence, score, frame.Sequence, latency, HeadVersion: predicted?.HeadVersion, ModelVersion: model.Version);
        }
        catch (InvalidDataException ex)
        {
            metrics.RecordFailed();
            LogFrameFailed(logger, frame.Sequence, ex.Message);
            return null;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Pipeline started: camera {Source}, model {ModelId} on {Provider}, continuing after result seq {Seq}")]
    private static partial void LogStarted(ILogger logger, string source, string modelId, string provider, long seq);

    [LoggerMessage(2, LogLevel.Warning, "Frame {FrameSeq} skipped: {Reason}")]
    private static partial void LogFrameFailed(ILogger logger, long frameSeq, string reason);

    [LoggerMessage(3, LogLevel.Error, "Result {Seq} could not be stored: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, long seq, string reason);

    // Before the embedding is recorded: a label that can find the result must also find its image.
    private void RecordImage(string resultId, Frame frame)
    {
        if (images.Enabled)
        {
            images.Record(resultId, LastFrame.ToJpeg(frame, 85));
        }
    }
}
