using EdgeNode.Devices;
using EdgeNode.Messaging;
using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Storage;

namespace EdgeNode.Sparkplug;

/// <summary>Registers the Sparkplug B convention: session (bdSeq file next to the database), edge node and service.</summary>
internal static class SparkplugServiceCollectionExtensions
{
    /// <summary>The bdSeq file, next to the database.</summary>
    public const string BdSeqFileName = "sparkplug-bdseq";

    /// <summary>The Sparkplug feature; register it before the connection, so the NBIRTH handler is in place for the first connect.</summary>
    public static IServiceCollection AddSparkplug(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SparkplugOptions>().BindConfiguration(SparkplugOptions.Section).ValidateSection(SparkplugOptions.Section);
        var sensors = SensorCatalog.For(configuration);
        services.AddSingleton(sp =>
        {
            var database = Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path);
            return new SparkplugSession(
                new SparkplugTopics(sp.GetRequiredService<IOptions<SparkplugOptions>>().Value.GroupId, sp.GetRequiredService<NodeIdentity>().NodeId),
                Path.Combine(Path.GetDirectoryName(database) ?? ".", BdSeqFileName),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SparkplugSession>>());
        });
        services.AddSingleton(sp => new SparkplugEdgeNode(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetRequiredService<SparkplugSession>(),
            SparkplugMetricCatalog.Definitions(sensors),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SparkplugService>(sp, sensors));
        return services;
    }

    /// <summary>The bus's will provider: the Sparkplug NDEATH with the convention on, else null (the retained <c>offline</c>).</summary>
    public static Func<CancellationToken, Task<BusMessage>>? WillProvider(IServiceProvider services) =>
        services.GetRequiredService<IOptions<MqttOptions>>().Value.Convention == MqttConvention.Sparkplug
            ? services.GetRequiredService<SparkplugSession>().CreateWillAsync
            : null;
}
