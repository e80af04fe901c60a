using System.Threading.Channels;
using EdgeNode.Common;
using EdgeNode.Core;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// A node's federated loop over any <see cref="IMessageBus"/>: follows the retained global head (so a node that
/// was offline catches up from the latest version, not the ones it missed), trains from each new version on the
/// samples <c>samples()</c> returns, and publishes the signed update in chunks on its update topic.
/// </summary>
public sealed class FederatedClient
{
    private readonly IMessageBus _bus;
    private readonly FederatedTrainer _trainer;
    private readonly Func<GlobalHead, CancellationToken, ValueTask<SampleSet>> _samples;
    private readonly string _globalTopic;
    private readonly string _updateTopic;
    private readonly int _maxChunkBytes;
    private readonly Channel<GlobalHead> _globals = Channel.CreateBounded<GlobalHead>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private long _seen = -1;
    private (long Version, byte[] Wire)? _last;
    private long _bytesSent;
    private long _messagesSent;
    private long _updatesSent;

    /// <summary>Creates the client for <paramref name="nodeId"/> in <paramref name="fleet"/>.</summary>
    public FederatedClient(IMessageBus bus, string prefix, string fleet, string nodeId, EcdsaSigner signer, Func<SampleSet> samples, int maxChunkBytes = 256 * 1024)
        : this(bus, prefix, fleet, nodeId, signer, SamplesOf(samples), maxChunkBytes)
    {
    }

    /// <summary>
    /// Creates the client for <paramref name="nodeId"/> in <paramref name="fleet"/>, reading the local samples for each
    /// new global head from <paramref name="samples"/> (e.g. the node's SQLite sample store).
    /// </summary>
    public FederatedClient(IMessageBus bus, string prefix, string fleet, string nodeId, EcdsaSigner signer, Func<GlobalHead, CancellationToken, ValueTask<SampleSet>> samples, int maxChunkBytes = 256 * 1024)
    {
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _trainer = new FederatedTrainer(nodeId, signer);
        _samples = samples ?? throw new ArgumentNullException(nameof(samples));
        _globalTopic = $"{prefix}/fleet/{fleet}/fl/global";
        _updateTopic = $"{prefix}/fleet/{fleet}/fl/updates/{nodeId}";
        _maxChunkBytes = maxChunkBytes;
    }

    /// <summary>Version of the latest global head trained from (−1: none yet).</summary>
    public long TrainedVersion { get; private set; } = -1;

    /// <summary>Update bytes published (chunk headers included).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>MQTT messages published.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Updates published.</summary>
    public long UpdatesSent => Interlocked.Read(ref _updatesSent);

    /// <summary>
    /// Called for each newer global head before training from it (the node adopts it as its active head here);
    /// an exception from it is reported through <see cref="Failed"/> and training goes on.
    /// </summary>
    public Func<GlobalHead, CancellationToken, Task>? GlobalArrived { get; set; }

    /// <summary>
    /// The aggregators' public keys: when set, a global head is taken only with a signature one of them verifies (an
    /// unsigned or forged one is reported through <see cref="Failed"/> and changes nothing, so a forged huge version
    /// cannot hide the real heads that follow). Null: unsigned heads are taken (no aggregator key installed).
    /// </summary>
    public EcdsaKeyRing? TrustedAggregators { get; set; }

    /// <summary>
    /// In a statistics round (<see cref="FederatedTrainingConfig.Statistics"/>), the node's statistics to send, e.g. its ledger
    /// of every label it was given, which outlives the replay reservoir. Null, or a null or empty result: the statistics
    /// of the samples the constructor's source returns.
    /// </summary>
    public Func<GlobalHead, CancellationToken, ValueTask<DiscriminantStatistics?>>? Statistics { get; set; }

    /// <summary>
    /// Under the fleet's validation gate (<see cref="FederatedTrainingConfig.Gate"/>), the node's held-back validation samples
    /// (kept out of the training samples), on which the update scores the round's head and the fleet head. Null: no score.
    /// </summary>
    public Func<GlobalHead, CancellationToken, ValueTask<SampleSet?>>? Validation { get; set; }

    /// <summary>Raised when an update could not be built or sent (the next global retries).</summary>
    public event Action<string, Exception>? Failed;

    /// <summary>Subscribes to the global head; call before the bus connects or at any time after.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _bus.SubscribeAsync(_globalTopic, OnGlobalAsync, cancellationToken);

    /// <summary>Trains and publishes for every new global head until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var global in _globals.Reader.ReadAllAsync(cancellationToken))
            {
                if (GlobalArrived is { } arrived && global.Version != _last?.Version)
                {
                    try
                    {
                        await arrived(global, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
                    {
                        Failed?.Invoke(_trainer.NodeId, ex);
                    }
                }

                try
                {
                    var resend = _last is { } last && last.Version == global.Version;
                    var statistics = !resend && global.Config.Statistics && Statistics is { } source ? await source(global, cancellationToken) : null;
                    var samples = statistics is { Count: > 0 } ? null : await _samples(global, cancellationToken);
                    if (samples is { Count: 0 })
                    {
                        continue;
                    }

                    var validation = !resend && samples is not null && global.Config.Gate && Validation is { } held ? await held(global, cancellationToken) : null;

                    // The same version again (an aggregator restart re-announces it): resend the update, which the aggregator counts once.
                    var wire = resend
                        ? _last!.Value.Wire
                        : samples is null
                        ? _trainer.Contribute(global, statistics!).Wire
                        : (await LowPriorityWork.RunAsync("federated-training", () => _trainer.Train(global, samples, unchecked((int)global.Version), cancellationToken, validation))).Wire;
                    _last = (global.Version, wire);
                    foreach (var chunk in MessageChunks.Split(wire, _maxChunkBytes))
                    {
                        await _bus.PublishAsync(new BusMessage(_updateTopic, chunk, 1), cancellationToken);
                        Interlocked.Add(ref _bytesSent, chunk.Length);
                        Interlocked.Increment(ref _messagesSent);
                    }

                    Interlocked.Increment(ref _updatesSent);
                    TrainedVersion = global.Version;
                }
                catch (Exception ex) when (ex is MessageBusException or ArgumentException or InvalidDataException)
                {
                    Failed?.Invoke(_trainer.NodeId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static Func<GlobalHead, CancellationToken, ValueTask<SampleSet>> SamplesOf(Func<SampleSet> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return (_, _) => ValueTask.FromResult(samples());
    }

    private Task OnGlobalAsync(BusMessage message, CancellationToken cancellationToken)
    {
        GlobalHead global;
        try
        {
            global = GlobalHead.Parse(message.Payload);
            if (TrustedAggregators is { } keys && global.SignerIn(keys) is null)
            {
                throw new InvalidDataException($"Global head {global} is not signed by a trusted aggregator key; ignored.");
            }
        }
        catch (InvalidDataException ex)
        {
            Failed?.Invoke(_trainer.NodeId, ex);
            return Task.CompletedTask;
        }

        // A newer version starts training; the same version again (aggregator restart, moved deadline, our reconnect)
        // resends the update made for it, in case it was lost while the aggregator was down. Older ones are ignored.
        if (global.Version >= Interlocked.Read(ref _seen))
        {
            Interlocked.Exchange(ref _seen, global.Version);
            _globals.Writer.TryWrite(global);
        }

        return Task.CompletedTask;
    }
}
