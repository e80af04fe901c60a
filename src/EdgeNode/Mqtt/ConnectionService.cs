using EdgeNode.Messaging;

namespace EdgeNode.Mqtt;

/// <summary>
/// Keeps the MQTT connection up; on stop publishes the retained <c>offline</c> and disconnects cleanly. It connects
/// only once every hosted service has started, so the command router's and discovery's subscriptions are in place
/// before the first <c>online</c> birth: a command sent on seeing <c>online</c> is never lost.
/// </summary>
internal sealed class ConnectionService(MqttMessageBus bus, IHostApplicationLifetime lifetime) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await bus.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await bus.RunAsync(stoppingToken);
    }
}
