using EdgeNode.Devices.Board;
using EdgeNode.Health;
using EdgeNode.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Tests.Health;

/// <summary>The resources check's verdict on telemetry (issue 20, item 15: a database damaged while running).</summary>
public sealed class ResourcesHealthCheckTests
{
    private static readonly HealthOptions Options = new();

    [Fact]
    public void Evaluate_NoDamage_Healthy()
    {
        Assert.Equal(HealthStatus.Healthy, ResourcesHealthCheck.Evaluate(Snapshot(), Options).Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(StorageDamage.UnhealthyAfter - 1)]
    public void Evaluate_FewerDamagedReadsInARowThanTheThreshold_Healthy(long inARow)
    {
        Assert.Equal(HealthStatus.Healthy, ResourcesHealthCheck.Evaluate(Snapshot(inARow: inARow, total: inARow, lost: 40), Options).Status);
    }

    [Fact]
    public void Evaluate_EarlierDamageNowReadable_Healthy()
    {
        // Reads failed before, the last one succeeded: the counters stay reported, the node is healthy again.
        Assert.Equal(HealthStatus.Healthy, ResourcesHealthCheck.Evaluate(Snapshot(inARow: 0, total: 12, lost: 40), Options).Status);
    }

    [Fact]
    public void Evaluate_DamagedReadsInARow_UnhealthyWithTheCounts()
    {
        var result = ResourcesHealthCheck.Evaluate(Snapshot(inARow: StorageDamage.UnhealthyAfter, total: 7, lost: 1234), Options);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("database is damaged", result.Description, StringComparison.Ordinal);
        Assert.Contains("(7 since start)", result.Description, StringComparison.Ordinal);
        Assert.Contains("1234 undelivered items", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DamageWithStorageFull_UnhealthyNamingBoth()
    {
        var result = ResourcesHealthCheck.Evaluate(Snapshot(inARow: 5, total: 5, lost: 3) with { StorageFull = true }, Options);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("storage is full", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StorageFullWithoutDamage_DegradedNotUnhealthy()
    {
        // A full disk is not cured by a restart: degraded, so the watchdog leaves the node running.
        Assert.Equal(HealthStatus.Degraded, ResourcesHealthCheck.Evaluate(Snapshot() with { StorageFull = true }, Options).Status);
    }

    [Fact]
    public void Evaluate_NoTelemetryYet_Healthy()
    {
        Assert.Equal(HealthStatus.Healthy, ResourcesHealthCheck.Evaluate(null, Options).Status);
    }

    private static TelemetrySnapshot Snapshot(long inARow = 0, long total = 0, long lost = 0) => new()
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        UptimeSeconds = 60,
        Camera = "synthetic",
        FramesIn = 0,
        FramesDropped = 0,
        FramesSkipped = 0,
        FramesFailed = 0,
        CaptureRestarts = 0,
        QueueDepth = 0,
        Inferences = 0,
        Fps = 0,
        LatencyP50Ms = 0,
        LatencyP95Ms = 0,
        Model = "m",
        ModelVersion = null,
        ExecutionProvider = "CPU",
        HeadVersion = null,
        OutboxDepth = lost,
        OldestPendingAgeSeconds = 0,
        OutboxDropped = 0,
        SensorsFailing = [],
        StorageFull = false,
        StorageWriteFailures = 0,
        StorageDamagedBatches = total,
        StorageDamagedInARow = inARow,
        StorageDamageLost = lost,
        System = new SystemSnapshot(null, null, null, null, 0, null, null),
    };
}
