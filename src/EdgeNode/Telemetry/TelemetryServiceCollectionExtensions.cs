using System.Diagnostics.Metrics;
using EdgeNode.Devices.Board;
using EdgeNode.Devices.Sensors;
using EdgeNode.Pipeline;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EdgeNode.Telemetry;

/// <summary>Registers telemetry: snapshots and live values, metric instruments, the optional OTLP exporter and the <c>telemetry</c> message.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The telemetry feature; its service starts after the devices and the health publisher.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateSection(TelemetryOptions.Section);
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section).ValidateSection(OtlpOptions.Section);
        services.AddSingleton<LiveValues>();
        services.AddSingleton<IFrameObserver>(sp => sp.GetRequiredService<LiveValues>());
        services.AddSingleton(sp => new SystemStatsReader(sp.GetRequiredService<IBoardHardware>().FileSystemRoot));
        services.AddSingleton(sp =>
        {
            // The instruments read the collector's latest snapshot, so they are created with it.
            var collector = ActivatorUtilities.CreateInstance<TelemetryCollector>(sp);
            NodeInstruments.Register(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<NodeMetrics>(), sp.GetRequiredService<CameraSet>(), collector);
            return collector;
        });

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

        services.AddHostedService<TelemetryService>();
        return services;
    }
}
