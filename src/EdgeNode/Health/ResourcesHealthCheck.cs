using EdgeNode.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>
/// From the latest telemetry snapshot: unhealthy when the database is damaged while running (<see cref="StorageDamage"/>:
/// a restart is the cure, its recovery moves the file aside), degraded when storage refuses writes, sensors fail, or
/// the SoC is throttled or hot (none of these is cured by a restart).
/// </summary>
internal sealed class ResourcesHealthCheck(TelemetryCollector telemetry, IOptionsMonitor<HealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Evaluate(telemetry.Latest, options.CurrentValue));

    /// <summary>The verdict on <paramref name="t"/> (null: no telemetry yet).</summary>
    internal static HealthCheckResult Evaluate(TelemetrySnapshot? t, HealthOptions options)
    {
        if (t is null)
        {
            return HealthCheckResult.Healthy("No telemetry yet.");
        }

        var problems = new List<string>();
        var damage = StorageDamage.Problem(t.StorageDamagedInARow, t.StorageDamagedBatches, t.StorageDamageLost);
        if (damage is not null)
        {
            problems.Add(damage);
        }

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

        if (t.System.SocTemperatureC is { } celsius && celsius >= options.HotSocCelsius)
        {
            problems.Add($"the SoC is at {celsius:F1} °C");
        }

        var description = string.Join("; ", problems) + ".";
        return problems.Count == 0 ? HealthCheckResult.Healthy("Storage, sensors and SoC are fine.")
            : damage is not null ? HealthCheckResult.Unhealthy(description)
            : HealthCheckResult.Degraded(description);
    }
}
