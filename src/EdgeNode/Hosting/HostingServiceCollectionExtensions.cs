using EdgeNode.Messaging;

namespace EdgeNode.Hosting;

/// <summary>Registers what every feature of the node uses: the clock, the node's identity, systemd integration.</summary>
internal static class HostingServiceCollectionExtensions
{
    /// <summary>The clock, <see cref="NodeOptions"/>, <see cref="NodeIdentity"/>, the systemd lifetime and the shutdown timeout.</summary>
    public static IServiceCollection AddNodeHosting(this IServiceCollection services)
    {
        services.AddSystemd();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateSection(NodeOptions.Section);
        services.AddSingleton(sp =>
        {
            var nodeId = sp.GetRequiredService<IOptions<NodeOptions>>().Value.EffectiveNodeId;
            return new NodeIdentity(nodeId, new NodeTopics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.TopicPrefix, nodeId));
        });
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="T"/> once, as itself (other services call it) and as a hosted service at this place
    /// of the start order.
    /// </summary>
    public static IServiceCollection AddHostedSingleton<T>(this IServiceCollection services, Func<IServiceProvider, T>? factory = null)
        where T : class, IHostedService
    {
        if (factory is null)
        {
            services.AddSingleton<T>();
        }
        else
        {
            services.AddSingleton(factory);
        }

        return services.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    /// <summary>The systemd watchdog; registered last, so it stops pinging first.</summary>
    public static IServiceCollection AddSystemdWatchdog(this IServiceCollection services) =>
        services.AddHostedService<SystemdWatchdogService>();
}
