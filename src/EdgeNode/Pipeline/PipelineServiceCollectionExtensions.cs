using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Messaging.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeNode.Pipeline;

/// <summary>Registers the frame pipeline: camera, bounded channel, change gate, region crop, "unknown" policy, frame processor and its observers, the <c>snapshot</c> command.</summary>
internal static class PipelineServiceCollectionExtensions
{
    /// <summary>The pipeline; its service starts after the publisher and stops before it (the frame in flight is stored first).</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<CameraOptions>().BindConfiguration(CameraOptions.Section).ValidateSection(CameraOptions.Section);
        services.AddOptions<ChangeGateOptions>().BindConfiguration(ChangeGateOptions.Section).ValidateSection(ChangeGateOptions.Section);
        services.AddSingleton<CaptureCounters>();
        services.AddSingleton<FrameSourceFactory>();
        services.AddSingleton(sp => sp.GetRequiredService<FrameSourceFactory>().Create(sp.GetRequiredService<IOptions<CameraOptions>>().Value));
        services.AddSingleton(_ => new FrameChannel(capacity: 4));
        services.AddSingleton<ChangeGate>();
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
