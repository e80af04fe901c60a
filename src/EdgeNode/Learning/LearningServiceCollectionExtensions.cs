using EdgeNode.Core;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Learning;
using EdgeNode.Messaging.Commands;
using EdgeNode.Pipeline;
using EdgeNode.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Learning;

/// <summary>Registers on-device learning: sample store, head repository, active head, label/rollback/train commands and the training service.</summary>
internal static class LearningServiceCollectionExtensions
{
    /// <summary>On-device and federated learning; the training and federated services start after the connection service.</summary>
    public static IServiceCollection AddLearning(this IServiceCollection services)
    {
        services.AddOptions<LearningOptions>().BindConfiguration(LearningOptions.Section).ValidateSection(LearningOptions.Section);
        services.AddSingleton<ActiveHead>();
        services.AddSingleton<InferenceActivity>();
        services.AddSingleton<TrainingProgress>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            return new RecentEmbeddings(o.RecentResults, TimeSpan.FromSeconds(o.ResultTimeToLiveSeconds));
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            return new RecentImages(o.RecentImages, o.StoreImages, frame => LastFrame.ToJpeg(frame, 85)); // the web page's labelling session switches it on
        });
        services.AddSingleton<IFrameObserver, RecentSamplesObserver>();
        services.AddSingleton<ISampleStore>(sp => SqliteSampleStore.OpenAsync(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path).GetAwaiter().GetResult());
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            var database = Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path);
            var directory = string.IsNullOrWhiteSpace(o.HeadsPath) ? Path.Combine(Path.GetDirectoryName(database)!, "heads") : o.HeadsPath;
            return new HeadRepository(directory, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Learning"), o.KeepVersions);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return new LabelIntake(
                sp.GetRequiredService<ISampleStore>(),
                sp.GetRequiredService<RecentEmbeddings>(),
                new LabelRateLimiter(time, o.LabelsPerMinute, o.LabelBurst),
                time,
                o.MaxLabelLength,
                o.ReplayPerClass,
                sp.GetRequiredService<RecentImages>());
        });
        services.AddHostedSingleton<HeadTrainingService>();
        services.AddOptions<FederatedOptions>().BindConfiguration(FederatedOptions.Section).ValidateSection(FederatedOptions.Section);
        services.AddHostedSingleton<FederatedService>();
        services.AddSingleton<ILabelSink, LearningLabelSink>();
        services.AddSingleton<ICommandHandler, LabelCommandHandler>();
        services.AddSingleton<ICommandHandler, RollbackCommandHandler>();
        services.AddSingleton<ICommandHandler, TrainCommandHandler>();
        return services;
    }
}
