using EdgeNode.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Services;

/// <summary>
/// Store-and-forward: publishes committed messages oldest first at QoS 1 and marks them delivered only
/// after the broker's acknowledgement. After a broker loss it restarts from the oldest undelivered row,
/// so a message is sent again only when its acknowledgement was lost (QoS 1 semantics).
/// </summary>
internal sealed partial class OutboxPublisherService(
    IOutboxStore store,
    IMessageBus bus,
    OutboxSignal signal,
    ILogger<OutboxPublisherService> logger) : BackgroundService
{
    private const int BatchSize = 256;
    private const int MaxInFlight = 64;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // One last drain of what the pipeline committed while stopping, bounded by the shutdown timeout.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await DrainAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MessageBusException)
        {
            LogFinalDrainIncomplete(logger, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bus.Connected += _ =>
        {
            signal.Set();
            return Task.CompletedTask;
        };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                await DrainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (MessageBusException ex)
            {
                LogPublishFailed(logger, ex.Message);
            }
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var after = 0L;
        while (bus.IsConnected)
        {
            var batch = await store.ReadPendingAsync(after, BatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            var acked = new List<long>(batch.Count);
            try
            {
                for (var i = 0; i < batch.Count; i += MaxInFlight)
                {
                    var window = batch.Skip(i).Take(MaxInFlight).ToArray();
                    await Task.WhenAll(window.Select(m => bus.PublishAsync(new BusMessage(m.Topic, m.Payload, 1), cancellationToken)));
                    acked.AddRange(window.Select(m => m.Seq));
                }
            }
            finally
            {
                // Whatever was acknowledged is marked, even when a later publish in the batch failed.
                await store.MarkDeliveredAsync(acked, CancellationToken.None);
            }

            after = batch[^1].Seq;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Publishing from the outbox stopped, will retry after reconnect: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Information, "Final outbox drain incomplete on stop (kept for the next start): {Reason}")]
    private static partial void LogFinalDrainIncomplete(ILogger logger, string reason);
}
