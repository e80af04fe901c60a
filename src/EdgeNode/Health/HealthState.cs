using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>
/// The latest health report, published by the health-check publisher every <c>EdgeNode:Health:PeriodSeconds</c>;
/// read by telemetry and the systemd watchdog. Logs each change of the overall status (the health-check library's
/// own per-evaluation logging is filtered out in the host).
/// </summary>
public sealed class HealthState(ILogger<HealthState> logger) : IHealthCheckPublisher
{
    /// <summary>Tag of the checks that a restart can fix; when one is unhealthy the watchdog stops pinging.</summary>
    public const string LivenessTag = "liveness";

    private volatile HealthReport? _report;

    /// <summary>The latest report; null before the first evaluation.</summary>
    public HealthReport? Report => _report;

    /// <summary><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>; <c>unknown</c> before the first evaluation.</summary>
    public string Status => _report is { } report ? Name(report.Status) : "unknown";

    /// <summary>The checks that are not healthy.</summary>
    public IReadOnlyList<string> Failing => _report is { } report
        ? [.. report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>True when a liveness check failed in the latest report.</summary>
    public bool LivenessFailed => _report is { } report
        && report.Entries.Values.Any(e => e.Status == HealthStatus.Unhealthy && e.Tags.Contains(LivenessTag));

    /// <summary>The wire name of a status.</summary>
    public static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <inheritdoc />
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var before = Status;
        var failingBefore = string.Join(", ", Failing);
        _report = report;
        var failing = string.Join(", ", Failing);
        if (before != Status || failingBefore != failing)
        {
            var detail = string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}"));
            if (report.Status == HealthStatus.Healthy)
            {
                NodeLog.Healthy(logger);
            }
            else
            {
                NodeLog.HealthNotHealthy(logger, Status, detail);
            }
        }

        return Task.CompletedTask;
    }
}
