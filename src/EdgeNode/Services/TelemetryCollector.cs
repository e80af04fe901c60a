using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Devices.Board;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using System.Diagnostics.Metrics;
using EdgeNode.Learning;

namespace EdgeNode.Services;

/// <summary>
/// Takes <see cref="TelemetrySnapshot"/>s and keeps the latest, which synchronous readers (metric gauges, health
/// checks) use without touching SQLite or <c>/proc</c> themselves.
/// Creating it registers the node's metric instruments (<see cref="NodeInstruments"/>).
/// </summary>
internal sealed class TelemetryCollector
{
    private readonly IOutboxStore _store;
    private readonly IInferenceEngine _engine;
    private readonly IFrameSource _source;
    private readonly CaptureCounters _capture;
    private readonly FrameChannel _channel;
    private readonly NodeMetrics _metrics;
    private readonly SensorService _sensors;
    private readonly ActiveHead _head;
    private readonly SystemStatsReader _system;
    private readonly TimeProvider _time;
    private readonly OutboxDeadLetters? _deadLetters;
    private readonly long _started = Stopwatch.GetTimestamp();
    private volatile TelemetrySnapshot? _latest;

    /// <summary>Creates the collector and the instruments on <paramref name="meters"/>.</summary>
    public TelemetryCollector(
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
        IMeterFactory meters,
        OutboxDeadLetters? deadLetters = null)
    {
        _deadLetters = deadLetters;
        _store = store;
        _engine = engine;
        _source = source;
        _capture = capture;
        _channel = channel;
        _metrics = metrics;
        _sensors = sensors;
        _head = head;
        _system = system;
        _time = time;
        NodeInstruments.Register(meters, metrics, capture, channel, this);
    }

    /// <summary>The latest snapshot taken; null before the first.</summary>
    public TelemetrySnapshot? Latest => _latest;

    /// <summary>Takes a snapshot; rates and percentiles cover at least the last <paramref name="window"/> (≥ 5 s).</summary>
    public async Task<TelemetrySnapshot> CollectAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var (p50, p95, fps) = _metrics.Snapshot(now, TimeSpan.FromTicks(Math.Max(window.Ticks, TimeSpan.FromSeconds(5).Ticks)));
        var outbox = await _store.GetStatsAsync(cancellationToken);
        var board = await _system.ReadAsync(cancellationToken);
        var utcNow = _time.GetUtcNow();
        var model = _engine.Model; // one read: a model update may swap it
        var snapshot = new TelemetrySnapshot
        {
            Timestamp = utcNow,
            UptimeSeconds = Stopwatch.GetElapsedTime(_started, now).TotalSeconds,
            Camera = _source.Name,
            FramesIn = _capture.FramesCaptured,
            FramesDropped = _channel.DroppedFrames,
            FramesSkipped = _metrics.FramesSkipped,
            FramesFailed = _metrics.FramesFailed + _capture.CorruptFrames,
            CaptureRestarts = _capture.Restarts,
            QueueDepth = _channel.Count,
            Inferences = _metrics.Inferences,
            Fps = fps,
            LatencyP50Ms = p50,
            LatencyP95Ms = p95,
            Model = model.Id,
            ModelVersion = model.Version,
            ExecutionProvider = model.ExecutionProvider,
            HeadVersion = _head.Current?.Info.Version,
            OutboxDepth = outbox.Pending,
            OldestPendingAgeSeconds = outbox.OldestPending is { } oldest ? (utcNow - oldest).TotalSeconds : 0,
            OutboxDropped = outbox.Dropped,
            SensorsFailing = [.. _sensors.Status.Where(x => x.ConsecutiveFailures > 0).Select(x => x.Sensor)],
            StorageFull = outbox.StorageFull,
            StorageWriteFailures = outbox.WriteFailures,
            DeadLettered = _deadLetters?.Count ?? 0,
            System = board,
        };
        _latest = snapshot;
        return snapshot;
    }
}
