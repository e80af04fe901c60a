using System.Diagnostics;
using EdgeNode.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>
/// Unhealthy when no frame has been processed (inferred or reused by the change gate) for
/// <c>EdgeNode:Health:StallSeconds</c>: a stuck camera or inference that a restart may cure (liveness).
/// </summary>
internal sealed class PipelineHealthCheck(NodeMetrics metrics, IOptionsMonitor<HealthOptions> options) : IHealthCheck
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stall = TimeSpan.FromSeconds(options.CurrentValue.StallSeconds);
        var last = metrics.LastProcessedTimestamp;
        var idle = Stopwatch.GetElapsedTime(last == 0 ? _started : last);
        var data = new Dictionary<string, object> { ["idleSeconds"] = Math.Round(idle.TotalSeconds, 1), ["inferences"] = metrics.Inferences };
        return Task.FromResult(idle <= stall
            ? HealthCheckResult.Healthy("Frames are being processed.", data)
            : HealthCheckResult.Unhealthy($"No frame processed for {idle.TotalSeconds:F0} s (limit {stall.TotalSeconds:F0} s).", data: data));
    }
}
