using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Split;

/// <summary>
/// The <c>split</c> health check: degraded while a head runs its frames locally because its tail is gone, late or
/// refusing (the frames still get results); healthy while it streams, and on a tail.
/// </summary>
internal sealed class SplitHealthCheck(SplitStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["split"] = status.Mode,
            ["peer"] = status.Peer ?? string.Empty,
            ["remoteFrames"] = status.RemoteFrames,
            ["localFrames"] = status.LocalFrames,
            ["cachedFrames"] = status.CachedFrames,
            ["tailFrames"] = status.TailFrames,
            ["streams"] = status.Streams,
        };
        return Task.FromResult(status.Mode == "degraded"
            ? HealthCheckResult.Degraded($"split: degraded, {status.Fallback}: {status.Reason}", data: data)
            : HealthCheckResult.Healthy($"split: {status.Mode}", data));
    }
}
