using EdgeNode.Messaging;
using Microsoft.Extensions.Hosting;

namespace EdgeNode.Services;

/// <summary>Keeps the MQTT connection up; on stop publishes the retained <c>offline</c> and disconnects cleanly.</summary>
internal sealed class ConnectionService(MqttMessageBus bus) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await bus.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => bus.RunAsync(stoppingToken);
}
