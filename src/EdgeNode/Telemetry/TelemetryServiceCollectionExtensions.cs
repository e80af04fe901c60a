using EdgeNode.Devices.Board;
using EdgeNode.Devices.Sensors;
using EdgeNode.Health;
using EdgeNode.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EdgeNode.Telemetry;

/// <summary>Registers telemetry snapshots, metric instruments, the optional OTLP exporter and the health checks.</summary>
internal static class ObservabilityRegistration
{
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new SystemStatsReader(sp.GetRequiredService<IBoardHardware>().FileSystemRoot));
        services.AddSingleton<TelemetryCollector>();
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
            .AddCheck<ResourcesHealthCheck>("resources");

        var otlp = configuration.GetSection(OtlpOptions.Section).Get<OtlpOptions>() ?? new OtlpOptions();
        if (!string.IsNullOrWhiteSpace(otlp.Endpoint) && Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var endpoint))
        {
            var nodeId = configuration[NodeOptions.Section + ":NodeId"];
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("edgenode", serviceInstanceId: string.IsNullOrWhiteSpace(nodeId) ? Environment.MachineName : nodeId))
                .WithMetrics(metrics => metrics
                    .AddMeter(NodeInstruments.MeterName, "System.Runtime")
                    .AddOtlpExporter((exporter, reader) =>
                    {
                        var http = otlp.Protocol != "grpc";
                        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                        exporter.Endpoint = http && endpoint.AbsolutePath is "/" or "" ? new Uri(endpoint, "v1/metrics") : endpoint;
                        exporter.Headers = otlp.Headers;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)(otlp.ExportIntervalSeconds * 1000);
                    }));
        }

        return services;
    }
}
