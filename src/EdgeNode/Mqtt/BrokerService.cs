using EdgeNode.Messaging;

namespace EdgeNode.Mqtt;

/// <summary>Runs the in-process broker when <c>EdgeNode:Mqtt:EmbeddedBroker</c> is true; starts first, stops last.</summary>
internal sealed class BrokerService(IOptions<MqttOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private EmbeddedBroker? _broker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.EmbeddedBroker)
        {
            return;
        }

        // Authenticated with the ACL unless on loopback; options validation already refused a non-loopback address without.
        _broker = EmbeddedBroker.FromOptions(options.Value, logger);
        await _broker.StartAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => _broker?.StopAsync() ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _broker?.DisposeAsync() ?? ValueTask.CompletedTask;
}
