using EdgeNode.Devices.Pipeline;
using EdgeNode.Inference;
using EdgeNode.Inference.Updates;
using EdgeNode.Learning;
using EdgeNode.Messaging.Commands;
using EdgeNode.Storage;

namespace EdgeNode.Models;

/// <summary>Registers the backbone engine with signed model updates: kept frames, trusted keys, installed models, the <c>model</c> command and the chunk receiver.</summary>
internal static class ModelsServiceCollectionExtensions
{
    /// <summary>The models feature; its hosted service (the chunk receiver) subscribes before the connection comes up.</summary>
    public static IServiceCollection AddModels(this IServiceCollection services)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateSection(InferenceOptions.Section);
        services.AddOptions<ModelUpdateOptions>().BindConfiguration(ModelUpdateOptions.Section).ValidateSection(ModelUpdateOptions.Section);
        services.AddSingleton<ILastFrame>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ModelUpdateOptions>>().Value;
            return new LastFrame(o.ShadowFrames, TimeSpan.FromSeconds(o.ShadowFrameSpacingSeconds));
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ModelUpdateOptions>>().Value;
            var inference = sp.GetRequiredService<IOptions<InferenceOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Inference");
            var dataDirectory = Path.GetDirectoryName(Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path))!;
            TrustedModelKeys keys;
            try
            {
                keys = o.TrustedKeys.Count > 0
                    ? TrustedModelKeys.Load(o.TrustedKeys, optional: false)
                    : TrustedModelKeys.Load([Path.Combine(dataDirectory, "keys", "models")], optional: true);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"{ModelUpdateOptions.Section}:TrustedKeys (EdgeNode__Models__TrustedKeys__N): {ex.Message}", ex);
            }

            var store = new InstalledModels(string.IsNullOrWhiteSpace(o.Path) ? Path.Combine(dataDirectory, "models") : o.Path, inference, logger);
            var incoming = new IncomingFolder(string.IsNullOrWhiteSpace(o.IncomingPath) ? Path.Combine(dataDirectory, "incoming") : o.IncomingPath);
            return ModelUpdater.Start(store, keys, sp.GetRequiredService<ILastFrame>(), sp.GetRequiredService<ActiveHead>(), o, inference, sp.GetRequiredService<TimeProvider>(), logger, incoming);
        });
        services.AddSingleton<IInferenceEngine>(sp => sp.GetRequiredService<ModelUpdater>().Engine);
        services.AddSingleton<ICommandHandler, ModelCommandHandler>();
        services.AddHostedService<ModelTransferService>();
        return services;
    }
}
