using EdgeNode.Common;
using EdgeNode.Core;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Aggregation;

/// <summary>
/// Runs the MQTT connection, takes updates from the shared subscription (acknowledged only after they are
/// persisted), closes rounds on a 100 ms tick and publishes the global head retained; a site forwards its
/// partial aggregate to the parent fleet and republishes the parent's global head. A retained global head on its topic
/// that this aggregator did not sign (or an older one) is replaced with the current one at the next tick.
/// </summary>
public sealed class AggregatorService(
    MqttMessageBus bus,
    MqttOptions mqtt,
    RoundCoordinator coordinator,
    AggregatorOptions options,
    TimeProvider time,
    ILogger<AggregatorService> logger) : BackgroundService
{
    private readonly FleetTopics _topics = new(mqtt.TopicPrefix, options.Fleet);
    private readonly ChunkAssembler _assembler = new(maxMessageBytes: options.MaxUpdateBytes);
    private volatile bool _globalPending = true;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _forwardPending;
    private EcdsaSigner? _headSigner;
    private EcdsaKeyRing? _ownKey;
    /// <summary>The coordinator (state of the open round).</summary>
    public RoundCoordinator Coordinator => coordinator;

    /// <summary>Completes when the service has loaded its state and is connected and subscribed.</summary>
    public Task Ready => _ready.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await coordinator.InitializeAsync(stoppingToken);
        using var headSigner = await LoadHeadSignerAsync(stoppingToken);
        _headSigner = headSigner;
        using var ownKey = new EcdsaKeyRing();
        ownKey.Register("self", headSigner.ExportPublicKeyPem());
        _ownKey = ownKey;
        bus.Connected += _ =>
        {
            // Subscriptions are in place when Connected fires; the global goes out (again) at the next tick.
            _globalPending = true;
            _ready.TrySetResult();
            return Task.CompletedTask;
        };
        await bus.SubscribeAsync(_topics.SharedUpdates(options.ShareGroup), OnUpdateAsync, stoppingToken);
        await bus.SubscribeAsync(_topics.Global, OnOwnGlobalAsync, stoppingToken);
        if (options.ParentFleet is { } parent)
        {
            await bus.SubscribeAsync(new FleetTopics(mqtt.TopicPrefix, parent).Global, OnParentGlobalAsync, stoppingToken);
        }

        var connection = bus.RunAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var close = await coordinator.CloseIfDueAsync(stoppingToken);
                if (close?.Global is not null)
                {
                    _globalPending = true;
                }

                if (close?.Forward is { } forward)
                {
                    _forwardPending = forward;
                    Log.Forwarded(logger, close.Result!.Used.Count, close.Result.TotalSamples, options.ParentFleet!);
                }

                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the state is already on disk.
        }

        await connection;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!bus.IsConnected)
        {
            return;
        }

        if (_globalPending)
        {
            _globalPending = false;
            if (!await TryPublishAsync(new BusMessage(_topics.Global, coordinator.Current.ToBytes(_headSigner!), 1, Retain: true), cancellationToken))
            {
                _globalPending = true;
            }
        }

        if (_forwardPending is { } forward)
        {
            var topic = new FleetTopics(mqtt.TopicPrefix, options.ParentFleet!).Update(options.InstanceId);
            var sent = true;
            foreach (var chunk in MessageChunks.Split(forward, 256 * 1024))
            {
                sent &= await TryPublishAsync(new BusMessage(topic, chunk, 1), cancellationToken);
            }

            if (sent)
            {
                _forwardPending = null;
            }
        }
    }

    // Every global head goes out signed; nodes with global.pem in keys/aggregators/ take no other.
    private async Task<EcdsaSigner> LoadHeadSignerAsync(CancellationToken cancellationToken)
    {
        var path = options.HeadKeyPath ?? Path.Combine(options.StatePath, "global.key");
        var (signer, created) = await PrivateKeyFile.LoadOrCreateAsync(path, cancellationToken);
        var publicPath = Path.ChangeExtension(path, ".pem");
        if (created || !File.Exists(publicPath))
        {
            await AtomicFile.WriteAsync(publicPath, System.Text.Encoding.ASCII.GetBytes(signer.ExportPublicKeyPem()), cancellationToken);
        }

        if (PrivateKeyFile.IsExposed(path))
        {
            Log.KeyFileExposed(logger, path);
        }

        return signer;
    }

    private async Task<bool> TryPublishAsync(BusMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await bus.PublishAsync(message, cancellationToken);
            return true;
        }
        catch (MessageBusException ex)
        {
            Log.PublishFailed(logger, message.Topic, ex.Message);
            return false;
        }
    }

    private async Task OnUpdateAsync(BusMessage message, CancellationToken cancellationToken)
    {
        UpdateOutcome outcome;
        string? reason;
        try
        {
            // The sender is the topic's node id (…/fl/updates/{node}, which the ACL ties to the user): its own byte bound.
            var sender = message.Topic[(message.Topic.LastIndexOf('/') + 1)..];
            var whole = _assembler.Add(message.Payload.Span, sender);
            (outcome, reason) = whole is null ? (UpdateOutcome.Partial, null) : await coordinator.OfferAsync(whole, sender, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            (outcome, reason) = (UpdateOutcome.Rejected, ex.Message);
        }

        if (outcome == UpdateOutcome.Rejected)
        {
            Log.UpdateRejected(logger, message.Topic, reason ?? "rejected");
        }
        else
        {
            Log.UpdateReceived(logger, message.Topic, outcome);
        }
    }

    // The retained global is what a node that comes online reads first. Whatever replaced it (a forged or unsigned head
    // that got past the ACL, an old head replayed, a cleared retained message) would hide the real head from such a node
    // until the next round closed, and without its update the round might never close: put the real one back.
    private Task OnOwnGlobalAsync(BusMessage message, CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            var seen = GlobalHead.Parse(message.Payload);
            problem = seen.SignerIn(_ownKey!) is null ? "not signed by this aggregator"
                : seen.Version < coordinator.Current.Version ? "an older version"
                : null;
        }
        catch (InvalidDataException ex)
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            Log.GlobalReplaced(logger, message.Topic, problem);
            _globalPending = true;
        }

        return Task.CompletedTask;
    }

    private async Task OnParentGlobalAsync(BusMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (await coordinator.FollowParentAsync(GlobalHead.Parse(message.Payload), cancellationToken))
            {
                _globalPending = true;
            }
        }
        catch (InvalidDataException ex)
        {
            Log.ParentGlobalInvalid(logger, message.Topic, ex.Message);
        }
    }
}
