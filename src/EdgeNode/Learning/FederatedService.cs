using EdgeNode.Common;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using EdgeNode.Storage;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Learning;

/// <summary>
/// The node's federated loop (<c>EdgeNode:Federated:Enabled</c>): follows the fleet's retained global head, adopts
/// each new version as the active head, trains from it on the node's own labelled samples (raw embeddings never
/// leave the board) and publishes the signed, chunked update on <c>{prefix}/fleet/{fleet}/fl/updates/{node}</c>.
/// </summary>
internal sealed class FederatedService(
    IMessageBus bus,
    NodeIdentity identity,
    IOptions<FederatedOptions> options,
    IOptions<MqttOptions> mqtt,
    IOptions<StorageOptions> storage,
    ISampleStore samples,
    StatisticsLedger ledger,
    IOptions<LearningOptions> learning,
    IInferenceEngine engine,
    ActiveHead active,
    HeadRepository repository,
    TimeProvider time,
    ILogger<FederatedService> logger) : BackgroundService
{
    private const string StateFile = "federated.json";

    /// <summary>The client, once started (null when federated learning is off).</summary>
    public FederatedClient? Client { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        var dataDirectory = Path.GetDirectoryName(Path.GetFullPath(storage.Value.Path))!;
        var keyPath = string.IsNullOrWhiteSpace(o.KeyPath) ? Path.Combine(dataDirectory, "keys", "federated.key") : o.KeyPath;
        using var signer = await LoadOrCreateKeyAsync(keyPath, stoppingToken);
        using var aggregators = LoadAggregatorKeys(string.IsNullOrWhiteSpace(o.AggregatorKeysPath) ? Path.Combine(dataDirectory, "keys", "aggregators") : o.AggregatorKeysPath);
        var client = new FederatedClient(bus, mqtt.Value.TopicPrefix, o.Fleet, identity.NodeId, signer, LocalSamplesAsync, o.MaxChunkBytes)
        {
            TrustedAggregators = aggregators,
            Statistics = LocalStatisticsAsync,
            Validation = ValidationSamplesAsync,
        };
        client.Failed += (_, ex) => NodeLog.FederatedRoundFailed(logger, ex.Message);
        if (o.AdoptGlobal)
        {
            client.GlobalArrived = AdoptAsync;
        }

        Client = client;
        await client.StartAsync(stoppingToken);
        NodeLog.FederatedStarted(logger, o.Fleet, keyPath);
        await client.RunAsync(stoppingToken);
    }

    private ValueTask<SampleSet> LocalSamplesAsync(GlobalHead global, CancellationToken cancellationToken) =>
        StoredSamplesAsync(global, global.Config.Gate ? false : null, cancellationToken);

    private async ValueTask<SampleSet?> ValidationSamplesAsync(GlobalHead global, CancellationToken cancellationToken) =>
        await StoredSamplesAsync(global, true, cancellationToken);

    /// <summary>
    /// The stored samples of the fleet's classes: all (<paramref name="validation"/> null), or, under the fleet's validation gate,
    /// the training side (false) or the local gate's validation side (true), so the gate scores heads on samples none trained on.
    /// </summary>
    private async ValueTask<SampleSet> StoredSamplesAsync(GlobalHead global, bool? validation, CancellationToken cancellationToken)
    {
        var fleetHead = global.ReadHead();
        var set = new SampleSet(engine.Model.EmbeddingSize);
        IReadOnlyList<LabeledSample> stored;
        try
        {
            stored = await samples.ListAsync(new SampleQuery(ModelId: engine.Model.Id, Limit: int.MaxValue, IncludeEmbedding: true), cancellationToken);
        }
        catch (SqliteException ex)
        {
            NodeLog.FederatedRoundFailed(logger, "reading the sample store: " + ex.Message);
            return set;
        }

        // Only the fleet's classes: a class this node invented locally cannot be part of the fleet's delta.
        var skipped = 0;
        foreach (var sample in stored)
        {
            if (validation is { } side && GatedTraining.IsValidation(sample.Id, learning.Value.ValidationFraction) != side)
            {
                continue;
            }

            if (sample.Embedding is { } embedding && embedding.Length == set.Dimension && fleetHead.IndexOf(sample.Label) >= 0)
            {
                set.Add(embedding, sample.Label);
            }
            else
            {
                skipped++;
            }
        }

        if (validation != true)
        {
            NodeLog.FederatedTraining(logger, global.Version, set.Count, skipped);
        }

        return set;
    }

    /// <summary>
    /// A statistics round's statistics: the ledger's (every training label, also those the replay reservoir dropped) plus the
    /// stored validation samples, which the ledger leaves to the local gate; null (the stored samples instead) when the
    /// ledger holds a class the fleet head lacks, whose samples cannot be taken back out of its second moment.
    /// </summary>
    private async ValueTask<DiscriminantStatistics?> LocalStatisticsAsync(GlobalHead global, CancellationToken cancellationToken)
    {
        var fleetHead = global.ReadHead();
        var model = engine.Model;
        IReadOnlyList<LabeledSample> stored;
        try
        {
            stored = await samples.ListAsync(new SampleQuery(ModelId: model.Id, Limit: int.MaxValue, IncludeEmbedding: true), cancellationToken);
        }
        catch (SqliteException ex)
        {
            NodeLog.FederatedRoundFailed(logger, "reading the sample store: " + ex.Message);
            return null;
        }

        var statistics = await ledger.SnapshotAsync(model.Id, model.EmbeddingSize, stored, cancellationToken);
        foreach (var sample in stored)
        {
            if (sample.Embedding is { } e && e.Length == model.EmbeddingSize && EmbeddingGuard.IsFinite(e) && sample.ModelId == model.Id && GatedTraining.IsValidation(sample.Id, learning.Value.ValidationFraction))
            {
                statistics.Add(e, sample.Label);
            }
        }

        for (var c = 0; c < statistics.Classes.Count; c++)
        {
            if (statistics.CountOf(c) > 0 && fleetHead.IndexOf(statistics.Classes[c]) < 0)
            {
                NodeLog.FederatedStatisticsFallback(logger, global.Version, statistics.Classes[c]);
                return null;
            }
        }

        NodeLog.FederatedStatistics(logger, global.Version, statistics.Count);
        return statistics;
    }

    private async Task AdoptAsync(GlobalHead global, CancellationToken cancellationToken)
    {
        var statePath = Path.Combine(repository.Directory, StateFile);
        // Under the fleet's validation gate the node serves the fleet head, which changes only when the gate adopts a round's head.
        var served = global.ServedVersion;
        if (await ReadAdoptedAsync(statePath, cancellationToken) >= served)
        {
            return; // the retained global after a restart, or a round that kept the fleet head: already adopted
        }

        // Version 0 is the aggregator's starting head, not yet trained by anyone: it does not replace a local head.
        if (served == 0 && active.Current is not null)
        {
            return;
        }

        var head = global.ReadFleetHead();
        if (head.InputSize != engine.Model.EmbeddingSize)
        {
            throw new InvalidDataException($"Global head v{global.Version} takes {head.InputSize}-d embeddings; the backbone '{engine.Model.Id}' gives {engine.Model.EmbeddingSize}.");
        }

        var info = new HeadInfo(repository.NextVersion(), time.GetUtcNow(), engine.Model.Id, 0, 0);
        await repository.SaveAsync(head, info, cancellationToken);
        active.Swap(head, info);
        await AtomicFile.WriteAsync(statePath, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, long> { ["adoptedGlobalVersion"] = served }), cancellationToken);
        NodeLog.FederatedAdopted(logger, served, info.Version, head.Classes.Count);
    }

    private static async Task<long> ReadAdoptedAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken));
            return json.RootElement.GetProperty("adoptedGlobalVersion").GetInt64();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return -1;
        }
    }

    private EcdsaKeyRing? LoadAggregatorKeys(string path)
    {
        var keys = new EcdsaKeyRing();
        foreach (var file in Directory.Exists(path) ? Directory.GetFiles(path, "*.pem") : File.Exists(path) ? [path] : [])
        {
            keys.Register(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
        }

        if (keys.Count > 0)
        {
            return keys;
        }

        keys.Dispose();
        NodeLog.GlobalHeadsUnverified(logger, path);
        return null;
    }

    private async Task<EcdsaSigner> LoadOrCreateKeyAsync(string keyPath, CancellationToken cancellationToken)
    {
        var (signer, created) = await PrivateKeyFile.LoadOrCreateAsync(keyPath, cancellationToken);
        if (!created)
        {
            if (PrivateKeyFile.IsExposed(keyPath))
            {
                NodeLog.KeyFileExposed(logger, keyPath);
            }

            return signer;
        }

        var publicPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(keyPath))!, identity.NodeId + ".pem");
        await AtomicFile.WriteAsync(publicPath, System.Text.Encoding.ASCII.GetBytes(signer.ExportPublicKeyPem()), cancellationToken);
        NodeLog.FederatedKeyCreated(logger, publicPath);
        return signer;
    }
}
