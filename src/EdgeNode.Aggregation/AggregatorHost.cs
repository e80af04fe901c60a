using EdgeNode.Common;
using EdgeNode.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Aggregation;

/// <summary>Builds the aggregator's generic host (also used in-process by tests and <c>edgenode simulate-fleet</c>).</summary>
public static class AggregatorHost
{
    /// <summary>A host builder with configuration from appsettings.json, <c>EdgeNode__*</c> environment variables and <paramref name="args"/>.</summary>
    public static HostApplicationBuilder Create(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        AddAggregator(builder.Services);
        return builder;
    }

    /// <summary>Registers the aggregator's options (validated at start), coordinator, MQTT connection and service.</summary>
    public static IServiceCollection AddAggregator(IServiceCollection services)
    {
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AggregatorOptions>().BindConfiguration(AggregatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MqttOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AggregatorOptions>>().Value);
        services.AddSingleton(sp => EcdsaKeyRing.LoadDirectory(sp.GetRequiredService<AggregatorOptions>().KeysPath));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<AggregatorOptions>();
            var signer = options.SigningKeyPath is { } key ? EcdsaSigner.FromPem(File.ReadAllText(key)) : null;
            return new RoundCoordinator(options, sp.GetRequiredService<EcdsaKeyRing>(), signer, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RoundCoordinator>>());
        });
        services.AddSingleton(sp =>
        {
            var mqtt = sp.GetRequiredService<MqttOptions>();
            var options = sp.GetRequiredService<AggregatorOptions>();
            return new MqttMessageBus(mqtt, new NodeTopics(mqtt.TopicPrefix, options.InstanceId), options.InstanceId, sp.GetRequiredService<ILogger<MqttMessageBus>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<AggregatorService>();
        services.AddHostedService(sp => sp.GetRequiredService<AggregatorService>());
        return services;
    }
}
