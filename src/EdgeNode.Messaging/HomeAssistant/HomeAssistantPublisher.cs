using EdgeNode.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Messaging.HomeAssistant;

/// <summary>
/// Publishes the retained discovery message on every (re)connect and rebirth, and again whenever Home
/// Assistant announces itself with <c>online</c> on <c>{discovery}/status</c>.
/// </summary>
public sealed class HomeAssistantPublisher(
    IMessageBus bus,
    NodeTopics topics,
    HomeAssistantOptions options,
    string softwareVersion,
    Func<IReadOnlyList<HomeAssistantSensor>> sensors,
    ILogger<HomeAssistantPublisher> logger,
    IReadOnlyList<string>? cameras = null) : IHostedService
{
    private int _published;

    /// <summary>Number of discovery messages sent (for diagnostics).</summary>
    public int Published => Volatile.Read(ref _published);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return;
        }

        bus.Connected += PublishAsync;
        await bus.SubscribeAsync(options.DiscoveryPrefix + "/status", OnStatusAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Connected -= PublishAsync;
        return Task.CompletedTask;
    }

    /// <summary>Publishes the discovery message now.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var payload = HomeAssistantDiscovery.Build(topics, softwareVersion, sensors(), cameras ?? []);
        try
        {
            await bus.PublishAsync(new BusMessage(HomeAssistantDiscovery.Topic(options.DiscoveryPrefix, topics.NodeId), payload, 1, Retain: true), cancellationToken);
            Interlocked.Increment(ref _published);
        }
        catch (MessageBusException ex)
        {
            Log.DiscoveryFailed(logger, ex.Message);
        }
    }

    private Task OnStatusAsync(BusMessage message, CancellationToken cancellationToken) =>
        message.Payload.Span.SequenceEqual("online"u8) ? PublishAsync(cancellationToken) : Task.CompletedTask;
}
