using EdgeNode.Devices.Pipeline;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Messaging.Commands;
using EdgeNode.Pipeline;
using EdgeNode.Storage;

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
            return new RecentEmbeddings(o.RecentResults, TimeSpan.FromSeconds(o.ResultTimeToLiveSeconds), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            return new RecentImages(o.RecentImages, o.StoreImages, frame => LastFrame.ToJpeg(frame, 85)); // the web page's labelling session switches it on
        });
        services.AddSingleton<IFrameObserver, RecentSamplesObserver>();
        services.AddHostedSingleton<DeferredSampleStore>(); // opens before the training services start
        services.AddSingleton(sp =>
        {
            // Next to the head versions: the statistics are what the discriminant heads are made of.
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            var ledger = StatisticsLedger.Open(Path.Combine(HeadsDirectory(sp, o), "statistics.bin"), o.ValidationFraction, out var problem);
            if (problem is not null)
            {
                NodeLog.LedgerUnreadable(sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Learning"), problem);
            }

            return ledger;
        });
        services.AddSingleton<ISampleStore>(sp => new LedgerSampleStore(sp.GetRequiredService<DeferredSampleStore>(), sp.GetRequiredService<StatisticsLedger>()));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LearningOptions>>().Value;
            return new HeadRepository(HeadsDirectory(sp, o), sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Learning"), o.KeepVersions);
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

    private static string HeadsDirectory(IServiceProvider sp, LearningOptions o)
    {
        var database = Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path);
        return string.IsNullOrWhiteSpace(o.HeadsPath) ? Path.Combine(Path.GetDirectoryName(database)!, "heads") : o.HeadsPath;
    }
}
