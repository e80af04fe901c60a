using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Messaging.Commands;

namespace EdgeNode.Pipeline;

/// <summary>Registers the frame pipeline: cameras (each with its bounded queue, change gate and region), change gate, region crop, "unknown" policy, frame processor and its observers, the <c>snapshot</c> command.</summary>
internal static class PipelineServiceCollectionExtensions
{
    /// <summary>The pipeline; its service starts after the publisher and stops before it (the frame in flight is stored first).</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<CameraOptions>().BindConfiguration(CameraOptions.Section).ValidateSection(CameraOptions.Section);
        services.AddOptions<ChangeGateOptions>().BindConfiguration(ChangeGateOptions.Section).ValidateSection(ChangeGateOptions.Section);
        services.AddSingleton<CaptureCounters>();
        services.AddSingleton<FrameSourceFactory>();
        services.AddOptions<CameraListOptions>().Configure<IConfiguration>((o, configuration) => o.Read(configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CameraListOptions>, CameraListValidator>();
        services.AddSingleton<CameraSet>();
        services.AddOptions<RegionOptions>().BindConfiguration(RegionOptions.Section).ValidateSection(RegionOptions.Section);
        services.AddOptions<PredictionOptions>().BindConfiguration(PredictionOptions.Section).ValidateSection(PredictionOptions.Section);
        services.AddSingleton<FrameRegion>();
        services.AddSingleton<PredictionPolicy>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<IFrameObserver, LastFrameObserver>();
        services.AddSingleton<IFrameObserver>(sp => sp.GetRequiredService<NodeMetrics>());
        services.AddSingleton<FrameProcessor>();
        services.AddSingleton<ICommandHandler, SnapshotCommandHandler>();
        services.AddHostedService<PipelineService>();
        return services;
    }
}
