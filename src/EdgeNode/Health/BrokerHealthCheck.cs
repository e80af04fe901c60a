using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>Healthy while connected to the broker; degraded (results are cached) while not.</summary>
internal sealed class BrokerHealthCheck(IMessageBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.IsConnected
            ? HealthCheckResult.Healthy("Connected to the broker.")
            : HealthCheckResult.Degraded("Not connected to the broker; results are stored and sent on reconnect."));
}
