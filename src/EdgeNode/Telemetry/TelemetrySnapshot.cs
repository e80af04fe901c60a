using EdgeNode.Devices.Board;

namespace EdgeNode.Telemetry;

/// <summary>
/// Everything the node reports about itself at one moment: the source of the <c>telemetry</c> message, the
/// Sparkplug metrics, the <c>System.Diagnostics.Metrics</c> gauges and the health checks.
/// </summary>
public sealed record TelemetrySnapshot
{
    /// <summary>When it was taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Seconds since the node started.</summary>
    public required double UptimeSeconds { get; init; }

    /// <summary>Camera source name.</summary>
    public required string Camera { get; init; }

    /// <summary>Frames captured.</summary>
    public required long FramesIn { get; init; }

    /// <summary>Frames dropped by the bounded queue.</summary>
    public required long FramesDropped { get; init; }

    /// <summary>Frames whose result the change gate reused.</summary>
    public required long FramesSkipped { get; init; }

    /// <summary>Frames that were corrupt or failed inference.</summary>
    public required long FramesFailed { get; init; }

    /// <summary>Camera restarts.</summary>
    public required long CaptureRestarts { get; init; }

    /// <summary>Frames waiting for inference.</summary>
    public required int QueueDepth { get; init; }

    /// <summary>Inferences run.</summary>
    public required long Inferences { get; init; }

    /// <summary>Inferences per second over the last window.</summary>
    public required double Fps { get; init; }

    /// <summary>Median inference latency (ms).</summary>
    public required double LatencyP50Ms { get; init; }

    /// <summary>95th-percentile inference latency (ms).</summary>
    public required double LatencyP95Ms { get; init; }

    /// <summary>Backbone model id.</summary>
    public required string Model { get; init; }

    /// <summary>Version of the installed backbone (signed model updates); null for the packaged model.</summary>
    public required string? ModelVersion { get; init; }

    /// <summary>Execution provider the backbone runs on.</summary>
    public required string ExecutionProvider { get; init; }

    /// <summary>Version of the active head; null before the first.</summary>
    public required long? HeadVersion { get; init; }

    /// <summary>Outbox items not yet acknowledged.</summary>
    public required long OutboxDepth { get; init; }

    /// <summary>Age of the oldest pending item (s).</summary>
    public required double OldestPendingAgeSeconds { get; init; }

    /// <summary>Undelivered items dropped by the size cap.</summary>
    public required long OutboxDropped { get; init; }

    /// <summary>Sensors whose last read failed.</summary>
    public required IReadOnlyList<string> SensorsFailing { get; init; }

    /// <summary>Storage refused writes (full disk or database cap).</summary>
    public required bool StorageFull { get; init; }

    /// <summary>Writes that failed.</summary>
    public required long StorageWriteFailures { get; init; }

    /// <summary>Drain batches (reads, delivery marks) that failed on a damaged database file, since start (<c>storageDamagedBatches</c>).</summary>
    public long StorageDamagedBatches { get; init; }

    /// <summary>Such failures since the drain last got past them (health: unhealthy from <see cref="Health.StorageDamage.UnhealthyAfter"/>).</summary>
    public long StorageDamagedInARow { get; init; }

    /// <summary>Undelivered items in the damaged file at the latest failure (<c>storageDamageLost</c>).</summary>
    public long StorageDamageLost { get; init; }

    /// <summary>The region classified instead of the whole frame (<c>EdgeNode:Region</c>); null for the whole frame.</summary>
    public EdgeNode.Pipeline.RegionOptions? Region { get; init; }

    /// <summary>Outbox items the broker refused (PUBACK &gt;= 0x80), dead-lettered since start.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Each camera's counters (<c>cameras</c>).</summary>
    public IReadOnlyList<CameraTelemetry> Cameras { get; init; } = [];

    /// <summary>How the session's intra-op threads were chosen (<c>IntraOpThreads</c>, auto or fixed), or null.</summary>
    public EdgeNode.Core.ThreadChoice? Threads { get; init; }

    /// <summary>Frames one run of the model can take (1 unless its batch dimension is dynamic).</summary>
    public int MaxBatch { get; init; } = 1;

    /// <summary>Managed bytes allocated per frame since the last snapshot (whole process).</summary>
    public double AllocatedBytesPerFrame { get; init; }

    /// <summary>Gen-0 collections per 1,000 frames since the last snapshot.</summary>
    public double Gen0Per1000Frames { get; init; }

    /// <summary>Split inference (<c>EdgeNode:Split</c>); null when the node runs the whole model (role <c>none</c>).</summary>
    public EdgeNode.Split.SplitTelemetry? Split { get; init; }

    /// <summary>CPU, memory, SoC temperature and throttling.</summary>
    public required SystemSnapshot System { get; init; }
}
