using EdgeNode.Health;
using EdgeNode.Outbox;

namespace EdgeNode.Telemetry;

/// <summary>
/// Takes a <see cref="TelemetrySnapshot"/> every <c>EdgeNode:Telemetry:IntervalSeconds</c> (also while offline, so
/// the metric gauges and health checks stay current) and publishes it on <c>{prefix}/{node}/telemetry</c> (QoS 0,
/// live only) while connected.
/// </summary>
internal sealed class TelemetryService(
    MessageWriter writer,
    TelemetryCollector collector,
    HealthState health,
    IOptionsMonitor<TelemetryOptions> options,
    TimeProvider time,
    ILogger<TelemetryService> logger) : BackgroundService
{
    /// <summary>Builds one telemetry message.</summary>
    public async Task<byte[]> BuildAsync(CancellationToken cancellationToken)
    {
        var snapshot = await collector.CollectAsync(TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds), cancellationToken);
        return TelemetryJson.Serialize(snapshot, writer.NodeId, health);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Live: the config command may change the interval.
                timer.Period = TimeSpan.FromSeconds(options.CurrentValue.IntervalSeconds);
                try
                {
                    var payload = await BuildAsync(stoppingToken);
                    await writer.PublishLiveAsync(writer.Topics.Telemetry, payload, MessageDelivery.Telemetry, stoppingToken);
                }
                catch (MessageBusException ex)
                {
                    NodeLog.TelemetryFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
