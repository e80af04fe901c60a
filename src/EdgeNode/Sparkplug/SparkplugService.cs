using EdgeNode.Messaging;
using EdgeNode.Messaging.HomeAssistant;
using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Telemetry;

namespace EdgeNode.Sparkplug;

/// <summary>
/// The Sparkplug B convention (<c>EdgeNode:Mqtt:Convention=sparkplug</c>; does nothing otherwise): an NBIRTH on every
/// connect and rebirth, an NDATA with the metrics that changed after each telemetry period, sensor read or change of
/// the predicted label, and NCMD <c>Node Control/Rebirth</c>. Registered before the connection, so its handlers are in
/// place for the first connect. The NDEATH is the bus's will (<see cref="SparkplugSession"/>).
/// </summary>
internal sealed class SparkplugService(
    MqttMessageBus bus,
    SparkplugEdgeNode edge,
    TelemetryCollector collector,
    LiveValues live,
    IReadOnlyList<HomeAssistantSensor> sensors,
    IOptions<MqttOptions> mqtt,
    IOptionsMonitor<TelemetryOptions> telemetry,
    ILogger<SparkplugService> logger) : BackgroundService, IHostedLifecycleService
{
    private static readonly string SoftwareVersion = typeof(SparkplugService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    private int _rebirthRequested;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mqtt.Value.Convention != MqttConvention.Sparkplug)
        {
            return;
        }

        bus.Connected += PublishBirthAsync;
        await bus.SubscribeAsync(edge.Topics.NCmd, OnCommandAsync, cancellationToken);
        NodeLog.SparkplugEnabled(logger, edge.Topics.NBirth, edge.Metrics.Count + 1);
        await base.StartAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any service stops, so no NDATA or NBIRTH can follow the NDEATH of the connection's stop.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        mqtt.Value.Convention == MqttConvention.Sparkplug ? edge.CloseAsync(cancellationToken) : Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Connected -= PublishBirthAsync;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await live.WaitAsync(TimeSpan.FromSeconds(telemetry.CurrentValue.IntervalSeconds), stoppingToken);
                try
                {
                    if (Interlocked.Exchange(ref _rebirthRequested, 0) == 1 && !edge.IsClosed)
                    {
                        // The node's rebirth: retained online status and every Connected callback, this NBIRTH included.
                        await bus.RebirthAsync(stoppingToken);
                        NodeLog.SparkplugReborn(logger);
                    }
                    else if (bus.IsConnected)
                    {
                        await edge.PublishDataAsync(await ValuesAsync(stoppingToken), stoppingToken);
                    }
                }
                catch (MessageBusException ex)
                {
                    NodeLog.SparkplugPublishFailed(logger, ex.Message);
                }
                catch (ArgumentException ex)
                {
                    NodeLog.SparkplugMetricsInvalid(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the bus publishes the NDEATH before it disconnects.
        }
    }

    private async Task PublishBirthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await edge.PublishBirthAsync(await ValuesAsync(cancellationToken), cancellationToken);
        }
        catch (MessageBusException ex)
        {
            NodeLog.SparkplugPublishFailed(logger, ex.Message);
        }
        catch (ArgumentException ex)
        {
            // A metric whose value does not fit its type is a bug; it must not take the connection down with it.
            NodeLog.SparkplugMetricsInvalid(logger, ex);
        }
    }

    private async Task<Dictionary<string, object?>> ValuesAsync(CancellationToken cancellationToken)
    {
        // The birth must carry current values: before the telemetry service's first snapshot, take one.
        var snapshot = collector.Latest ?? await collector.CollectAsync(TimeSpan.FromSeconds(telemetry.CurrentValue.IntervalSeconds), cancellationToken);
        return SparkplugMetricCatalog.Values(sensors, new SparkplugSources(snapshot, live.LastResult, live, SoftwareVersion));
    }

    private Task OnCommandAsync(BusMessage message, CancellationToken cancellationToken)
    {
        // Parsed on the receive path (cheap, never throws); the rebirth itself runs on this service's loop.
        var command = edge.ParseCommand(message.Payload.Span);
        foreach (var reason in command.Ignored)
        {
            NodeLog.SparkplugCommandIgnored(logger, message.Topic, reason);
        }

        if (command.Rebirth)
        {
            Interlocked.Exchange(ref _rebirthRequested, 1);
            live.Signal();
        }

        return Task.CompletedTask;
    }
}
