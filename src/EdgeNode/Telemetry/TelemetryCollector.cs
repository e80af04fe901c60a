using System.Diagnostics;
using EdgeNode.Devices;
using EdgeNode.Devices.Board;
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
    CameraSet cameras,
    NodeMetrics metrics,
    SensorService sensors,
    ActiveHead head,
    SystemStatsReader system,
    TimeProvider time,
    FrameRegion region,
    OutboxDeadLetters deadLetters,
    EdgeNode.Split.SplitStatus split)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly AllocationMeter _allocation = new();
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
        var span = TimeSpan.FromTicks(Math.Max(window.Ticks, TimeSpan.FromSeconds(5).Ticks));
        var lanes = cameras.Lanes;
        var perCamera = lanes.Select(l => Describe(l, now, span)).ToList();
        var (bytesPerFrame, gen0) = _allocation.Sample(metrics.Inferences + metrics.FramesSkipped + metrics.FramesFailed);
        var snapshot = new TelemetrySnapshot
        {
            Timestamp = utcNow,
            UptimeSeconds = Stopwatch.GetElapsedTime(_started, now).TotalSeconds,
            Camera = string.Join(", ", lanes.Select(l => l.Source.Name)),
            FramesIn = lanes.Sum(l => l.Counters.FramesCaptured),
            FramesDropped = cameras.DroppedFrames,
            FramesSkipped = metrics.FramesSkipped,
            FramesFailed = metrics.FramesFailed + lanes.Sum(l => l.Counters.CorruptFrames),
            CaptureRestarts = lanes.Sum(l => l.Counters.Restarts),
            QueueDepth = cameras.QueueDepth,
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
            StorageDamagedBatches = outbox.DamagedBatches,
            StorageDamagedInARow = outbox.ConsecutiveDamagedBatches,
            StorageDamageLost = outbox.DamageLost,
            System = board,
            Region = region.Current,
            DeadLettered = deadLetters.Count,
            Cameras = perCamera,
            Threads = model.Threads,
            MaxBatch = model.MaxBatch,
            AllocatedBytesPerFrame = bytesPerFrame,
            Gen0Per1000Frames = gen0,
            Split = EdgeNode.Split.SplitTelemetry.Of(split),
        };
        _latest = snapshot;
        return snapshot;
    }

    private static CameraTelemetry Describe(CameraLane lane, long now, TimeSpan window)
    {
        var (_, p95, fps) = lane.Metrics.Snapshot(now, window);
        var m = lane.Metrics;
        var c = lane.Counters;
        return new CameraTelemetry(lane.Name, lane.Source.Name, c.FramesCaptured, lane.Channel.DroppedFrames, m.Inferences, m.FramesSkipped, m.FramesFailed + c.CorruptFrames, c.Restarts, lane.QueueDepth, fps, p95, !lane.Ended);
    }
}
