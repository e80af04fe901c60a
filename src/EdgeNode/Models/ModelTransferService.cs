using EdgeNode.Inference.Updates;

namespace EdgeNode.Models;

/// <summary>
/// Takes the binary chunks of model transfers from <c>{prefix}/{node}/model/chunks/{transferId}</c> (on the MQTT receive
/// loop: a chunk is one positioned file write) and discards transfers that stopped making progress.
/// </summary>
internal sealed class ModelTransferService(IMessageBus bus, ModelUpdater updater, NodeIdentity identity, TimeProvider time, ILogger<ModelTransferService> logger) : BackgroundService
{
    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the connection comes up: the bus restores it on every (re)connect.
        await bus.SubscribeAsync(identity.Topics.ModelChunks("+"), OnChunkAsync, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                updater.ExpireTransfers();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; an open transfer's partial file is deleted at the next start.
        }
    }

    private Task OnChunkAsync(BusMessage message, CancellationToken cancellationToken)
    {
        var transferId = message.Topic[(message.Topic.LastIndexOf('/') + 1)..];
        try
        {
            updater.AcceptChunk(transferId, message.Payload.Span);
        }
        catch (InvalidDataException ex)
        {
            // No reply channel for chunks: refused ones are counted in the transfer's status.
            NodeLog.ModelChunkRefused(logger, transferId, ex.Message);
        }
        catch (IOException ex)
        {
            NodeLog.ModelChunkRefused(logger, transferId, ex.Message);
        }

        return Task.CompletedTask;
    }
}
