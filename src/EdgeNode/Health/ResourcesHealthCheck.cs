using EdgeNode.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeNode.Health;

/// <summary>
/// Degraded when storage refuses writes, sensors fail, or the SoC is throttled or hot, from the latest
/// telemetry snapshot (none of these is cured by a restart).
/// </summary>
internal sealed class ResourcesHealthCheck(TelemetryCollector telemetry, IOptionsMonitor<HealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (telemetry.Latest is not { } t)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No telemetry yet."));
        }

        var problems = new List<string>();
        if (t.StorageFull)
        {
            problems.Add("storage is full: new results are refused");
        }

        if (t.SensorsFailing.Count > 0)
        {
            problems.Add("sensors failing: " + string.Join(", ", t.SensorsFailing));
        }

        if (t.System.Throttled == true)
        {
            problems.Add("the SoC is throttled");
        }

        if (t.System.SocTemperatureC is { } celsius && celsius >= options.CurrentValue.HotSocCelsius)
        {
            problems.Add($"the SoC is at {celsius:F1} °C");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("Storage, sensors and SoC are fine.")
            : HealthCheckResult.Degraded(string.Join("; ", problems) + "."));
    }
}
