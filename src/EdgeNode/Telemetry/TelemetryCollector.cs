using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Devices;
using EdgeNode.Devices.Board;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Learning;
using EdgeNode.Outbox;
using EdgeNode.Pipeline;

namespace EdgeNode.Telemetry;

/// <summary>
/// Takes <see cref="TelemetrySnapshot"/>s and keeps the latest, which synchronous readers (metric gauges, health
/// checks) use without touching SQLite or <c>/proc</c> themselves.
/// The node's metric instruments (<see cref="NodeInstruments"/>) read it; they are registered with it.
/// </summary>
internal sealed class TelemetryCollector(
    IOutboxStore store,
    IInferenceEngine engine,
    IFrameSource source,
    CaptureCounters capture,
    FrameChannel channel,
    NodeMetrics metrics,
    SensorService sensors,
    ActiveHead head,
    SystemStatsReader system,
    TimeProvider time,
    FrameRegion region,
    OutboxDeadLetters deadLetters)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private volatile TelemetrySnapshot? _latest;

    /// <summary>The latest snapshot taken; null before the first.</summary>
    public TelemetrySnapshot? Latest => _latest;

    /// <summary>Takes a snapshot; rates and percentiles cover at least the last <paramref name="window"/> (≥ 5 s).</summary>
    public async Task<TelemetrySnapshot> CollectAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var (p50, p95, fps) = metrics.Snapshot(now, TimeSpan.FromTicks(Math.Max(window.Ticks, TimeSpan.FromSeconds(5).Ticks)));
        var outbox = await store.GetStatsAsync(cancellationToken);
        var board = await system.ReadAsync(cancellationToken);
        var utcNow = time.GetUtcNow();
        var model = engine.Model; // one read: a model update may swap it
        var snapshot = new TelemetrySnapshot
        {
            Timestamp = utcNow,
            UptimeSeconds = Stopwatch.GetElapsedTime(_started, now).TotalSeconds,
            Camera = source.Name,
            FramesIn = capture.FramesCaptured,
            FramesDropped = channel.DroppedFrames,
            FramesSkipped = metrics.FramesSkipped,
            FramesFailed = metrics.FramesFailed + capture.CorruptFrames,
            CaptureRestarts = capture.Restarts,
            QueueDepth = channel.Count,
            Inferences = metrics.Inferences,
            Fps = fps,
            LatencyP50Ms = p50,
            LatencyP95Ms = p95,
            Model = model.Id,
            ModelVersion = model.Version,
            ExecutionProvider = model.ExecutionProvider,
            HeadVersion = head.Current?.Info.Version,
            OutboxDepth = outbox.Pending,
            OldestPendingAgeSeconds = outbox.OldestPending is { } oldest ? (utcNow - oldest).TotalSeconds : 0,
            OutboxDropped = outbox.Dropped,
            SensorsFailing = [.. sensors.Status.Where(x => x.ConsecutiveFailures > 0).Select(x => x.Sensor)],
            StorageFull = outbox.StorageFull,
            StorageWriteFailures = outbox.WriteFailures,
            System = board,
            Region = region.Current,
            DeadLettered = deadLetters.Count,
        };
        _latest = snapshot;
        return snapshot;
    }
}
