using System.Diagnostics.Metrics;
using EdgeNode.Pipeline;

namespace EdgeNode.Telemetry;

/// <summary>
/// The node's <c>System.Diagnostics.Metrics</c> instruments (meter <see cref="MeterName"/>; OpenTelemetry names
/// and units): counters read from the pipeline's own counters, gauges from the latest telemetry snapshot, so an
/// exporter's collection never touches SQLite or <c>/proc</c>. The list is in docs/mqtt.md (Metrics).
/// </summary>
internal static class NodeInstruments
{
    /// <summary>The meter's name; <c>dotnet-counters monitor --counters EdgeNode</c> shows it.</summary>
    public const string MeterName = "EdgeNode";

    /// <summary>Creates the instruments on <paramref name="meters"/>; the meter lives as long as the factory.</summary>
    public static void Register(IMeterFactory meters, NodeMetrics metrics, CameraSet cameras, TelemetryCollector telemetry)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(cameras);
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("edgenode.frames.captured", () => cameras.Lanes.Sum(l => l.Counters.FramesCaptured), "{frame}", "Frames captured by the camera.");
        meter.CreateObservableCounter("edgenode.frames.dropped", () => cameras.DroppedFrames, "{frame}", "Frames dropped because inference was behind.");
        meter.CreateObservableCounter("edgenode.frames.skipped", () => metrics.FramesSkipped, "{frame}", "Frames whose result the change gate reused.");
        meter.CreateObservableCounter("edgenode.frames.failed", () => metrics.FramesFailed + cameras.Lanes.Sum(l => l.Counters.CorruptFrames), "{frame}", "Frames that were corrupt or failed inference.");
        meter.CreateObservableCounter("edgenode.inferences", () => metrics.Inferences, "{inference}", "Backbone inferences run.");
        meter.CreateObservableGauge("edgenode.queue.depth", () => cameras.QueueDepth, "{frame}", "Frames waiting for inference.");
        Gauge(meter, telemetry, "edgenode.outbox.depth", t => t.OutboxDepth, "{message}", "Stored messages not yet acknowledged by the broker.");
        Gauge(meter, telemetry, "edgenode.outbox.oldest_age", t => t.OldestPendingAgeSeconds, "s", "Age of the oldest unacknowledged message.");
        Gauge(meter, telemetry, "edgenode.cpu.utilization", t => t.System.CpuPercent / 100, "1", "Busy share of all CPU cores.");
        Gauge(meter, telemetry, "edgenode.memory.available", t => t.System.MemoryAvailableBytes, "By", "Memory available to new work.");
        Gauge(meter, telemetry, "edgenode.process.memory.rss", t => t.System.ProcessRssBytes, "By", "Resident memory of the node.");
        Gauge(meter, telemetry, "edgenode.soc.temperature", t => t.System.SocTemperatureC, "Cel", "SoC temperature.");
        Gauge(meter, telemetry, "edgenode.soc.throttled", t => t.System.Throttled is { } x ? (x ? 1 : 0) : (long?)null, "1", "1 while the SoC is throttled.");
        Gauge(meter, telemetry, "edgenode.head.version", t => t.HeadVersion, "1", "Version of the active on-device head.");
    }

    private static void Gauge(Meter meter, TelemetryCollector telemetry, string name, Func<TelemetrySnapshot, double?> read, string unit, string description) =>
        meter.CreateObservableGauge(name, () => telemetry.Latest is { } t && read(t) is { } value ? [new Measurement<double>(value)] : Array.Empty<Measurement<double>>(), unit, description);

    private static void Gauge(Meter meter, TelemetryCollector telemetry, string name, Func<TelemetrySnapshot, long?> read, string unit, string description) =>
        meter.CreateObservableGauge(name, () => telemetry.Latest is { } t && read(t) is { } value ? [new Measurement<long>(value)] : Array.Empty<Measurement<long>>(), unit, description);
}
