using EdgeNode.Devices;
using EdgeNode.Messaging;
using EdgeNode.Messaging.Commands;
using EdgeNode.Messaging.HomeAssistant;
using EdgeNode.Sparkplug;

namespace EdgeNode.Mqtt;

/// <summary>
/// Registers the MQTT side of the node in the pieces whose place in the start order matters: the bus and embedded
/// broker (first to start, last to stop), the connection (after Sparkplug's handlers, before the commands), the
/// command router and Home Assistant discovery.
/// </summary>
internal static class MqttServiceCollectionExtensions
{
    /// <summary>The MQTT options, the bus (<see cref="IMessageBus"/>) and the embedded broker's hosted service.</summary>
    public static IServiceCollection AddMqtt(this IServiceCollection services)
    {
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateSection(MqttOptions.Section);
        services.AddSingleton(sp => new MqttMessageBus(
            sp.GetRequiredService<IOptions<MqttOptions>>().Value,
            sp.GetRequiredService<NodeIdentity>().Topics,
            "edgenode-" + sp.GetRequiredService<NodeIdentity>().NodeId,
            sp.GetRequiredService<ILogger<MqttMessageBus>>(),
            sp.GetRequiredService<TimeProvider>(),
            SparkplugServiceCollectionExtensions.WillProvider(sp)));
        services.AddSingleton<IMessageBus>(sp => sp.GetRequiredService<MqttMessageBus>());
        services.AddHostedService<BrokerService>();
        return services;
    }

    /// <summary>The connection: it stops before the broker (retained offline, clean disconnect) and connects once every service has started.</summary>
    public static IServiceCollection AddMqttConnection(this IServiceCollection services) =>
        services.AddHostedService<ConnectionService>();

    /// <summary>Commands: handlers register as <see cref="ICommandHandler"/> in their features; the router owns the <c>cmd/+</c> subscription.</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddOptions<CommandOptions>().BindConfiguration(CommandOptions.Section).ValidateSection(CommandOptions.Section);
        services.AddSingleton<ICommandHandler, RebirthCommandHandler>();
        services.AddHostedSingleton(sp => new CommandRouter(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetRequiredService<NodeIdentity>().Topics,
            sp.GetServices<ICommandHandler>(),
            sp.GetRequiredService<IOptions<CommandOptions>>().Value,
            sp.GetRequiredService<ILogger<CommandRouter>>()));
        return services;
    }

    /// <summary>Home Assistant device discovery for the configured sensors.</summary>
    public static IServiceCollection AddHomeAssistant(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HomeAssistantOptions>().BindConfiguration(HomeAssistantOptions.Section).ValidateSection(HomeAssistantOptions.Section);
        var sensors = SensorCatalog.For(configuration);
        services.AddHostedService(sp => new HomeAssistantPublisher(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetRequiredService<NodeIdentity>().Topics,
            sp.GetRequiredService<IOptions<HomeAssistantOptions>>().Value,
            typeof(MqttServiceCollectionExtensions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            () => sensors,
            sp.GetRequiredService<ILogger<HomeAssistantPublisher>>(),
            [.. sp.GetRequiredService<IOptions<Pipeline.CameraListOptions>>().Value.Cameras.Select(c => c.Name)]));
        return services;
    }
}
