using EdgeNode.Messaging.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>Registers the health checks, their publisher (<see cref="HealthState"/>) and the <c>health</c> command.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateSection(HealthOptions.Section);
        // The health-check library logs every unhealthy evaluation; HealthState logs the changes instead.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        services.AddSingleton<HealthState>();
        services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<HealthState>());
        var health = configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(Math.Min(2, health.PeriodSeconds));
            o.Period = TimeSpan.FromSeconds(health.PeriodSeconds);
        });
        // Singletons: AddCheck<T> would otherwise build a new check per evaluation (the pipeline check keeps its start time).
        services.AddSingleton<PipelineHealthCheck>();
        services.AddSingleton<BrokerHealthCheck>();
        services.AddSingleton<ResourcesHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<PipelineHealthCheck>("pipeline", tags: [HealthState.LivenessTag])
            .AddCheck<BrokerHealthCheck>("broker")
            // Liveness too: it is unhealthy only for a database damaged while running, which the restart repairs.
            .AddCheck<ResourcesHealthCheck>("resources", tags: [HealthState.LivenessTag]);
        services.AddSingleton<ICommandHandler, HealthCommandHandler>();
        return services;
    }
}
