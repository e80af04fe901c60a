using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// Installs signed models and rolls back, in this order, refusing at the first failure with the running model
/// untouched: signature over the canonical manifest with a trusted key → size → SHA-256 of the bytes → input/output
/// spec against the node → atomic write → load → warm-up → shadow run against the current model on cached frames →
/// swap → health check (the first inferences), which restores the previous model by itself when it fails.
/// One operation at a time; the active choice is persisted once the health check passed.
/// </summary>
public sealed class ModelUpdater : IDisposable
{
    private readonly InstalledModels _store;
    private readonly UpdateChecks _checks;
    private readonly CandidateTrial _trial;
    private readonly ModelUpdateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ModelTransferSlot _transfers;
    private readonly IncomingFolder _incoming;
    private readonly SemaphoreSlim _operation = new(1, 1);
    private ModelState _current;
    private int _swaps;
    private string _health = "none";
    private string? _healthReason;

    private ModelUpdater(SwappableInferenceEngine engine, ModelState state, InstalledModels store, TrustedModelKeys keys, ILastFrame frames, IEmbeddingClassifier head, ModelUpdateOptions options, int warmupRuns, TimeProvider time, ILogger logger, IncomingFolder incoming)
    {
        _incoming = incoming;
        Engine = engine;
        _current = state;
        _store = store;
        _checks = new UpdateChecks(keys, options);
        _trial = new CandidateTrial(store, _checks, frames, head, Math.Max(1, warmupRuns), logger);
        _options = options;
        _time = time;
        _logger = logger;
        _transfers = new ModelTransferSlot(store, time, TimeSpan.FromSeconds(options.TransferTimeoutSeconds), options.MinFreeMegabytes << 20);
    }

    /// <summary>The engine the pipeline runs (owned here).</summary>
    public SwappableInferenceEngine Engine { get; }

    /// <summary>Loads the model to start on (<see cref="InstalledModels.LoadAtStart"/>) and takes over updates; owns <paramref name="keys"/>; installs read <paramref name="incoming"/>.</summary>
    /// <exception cref="ModelLoadException">Not even the packaged model loads.</exception>
    public static ModelUpdater Start(InstalledModels store, TrustedModelKeys keys, ILastFrame frames, IEmbeddingClassifier head, ModelUpdateOptions options, InferenceOptions inference, TimeProvider time, ILogger logger, IncomingFolder incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inference);
        var (engine, state) = store.LoadAtStart();
        Log.ModelUpdatesReady(logger, engine.Model.Id, engine.Model.Version ?? "-", state.Active.Source, keys.Count);
        return new ModelUpdater(new SwappableInferenceEngine(engine), state, store, keys, frames, head, options, inference.WarmupRuns, time, logger, incoming);
    }

    /// <summary>The running and previous model, the last health check, the open transfer.</summary>
    public ModelStatus Status()
    {
        var current = _current;
        return new ModelStatus(Engine.Model, current.Previous is { } previous ? _store.Describe(previous) : null, _health, _healthReason, _transfers.Status(), _checks.TrustedKeys);
    }

    /// <summary>Installs the model at <paramref name="path"/> in the node's <c>incoming/</c> folder (<see cref="IncomingFolder"/>).</summary>
    /// <exception cref="ModelUpdateException">Refused; the running model is unchanged.</exception>
    public async Task<InstallReport> InstallFileAsync(SignedManifest update, string path, CancellationToken cancellationToken)
    {
        var file = _incoming.Resolve(path);
        var keyId = _checks.Manifest(update);
        _checks.Version(update, _current);
        return await InstallVerifiedBytesAsync(update, keyId, file, cancellationToken);
    }

    /// <summary>Opens (or resumes) a chunked transfer for a verified manifest; chunks then go to <see cref="AcceptChunk"/>.</summary>
    /// <exception cref="ModelUpdateException">Refused before any byte is accepted.</exception>
    public TransferStatus Begin(SignedManifest update, int chunkSize)
    {
        var keyId = _checks.Manifest(update);
        CheckSpec(update.Manifest);
        _checks.Version(update, _current);
        if (InstalledModels.RefFor(update.Manifest) == _current.Active)
        {
            throw new ModelUpdateException(ModelUpdateErrors.AlreadyActive, $"{update.Manifest.Name} {update.Manifest.Version} is the running model.");
        }

        var status = _transfers.Open(update, keyId, chunkSize);
        Log.TransferOpened(_logger, status.TransferId, update.Manifest.Name, update.Manifest.Version, status.Chunks, keyId);
        return status;
    }

    /// <summary>One chunk from <c>…/model/chunks/{transferId}</c>; false for a duplicate.</summary>
    /// <exception cref="InvalidDataException">No such transfer, or a chunk that does not fit it.</exception>
    public bool AcceptChunk(string transferId, ReadOnlySpan<byte> chunk) => _transfers.Add(transferId, chunk);

    /// <summary>Installs a complete transfer.</summary>
    /// <exception cref="ModelUpdateException">Refused (<c>unknown_transfer</c>, <c>incomplete</c> keep nothing changed either).</exception>
    public async Task<InstallReport> CommitAsync(string transferId, CancellationToken cancellationToken)
    {
        var transfer = _transfers.Take(transferId);
        try
        {
            return await InstallVerifiedBytesAsync(transfer.Update, transfer.KeyId, transfer.Path, cancellationToken);
        }
        finally
        {
            File.Delete(transfer.Path);
        }
    }

    /// <summary>Discards an open transfer.</summary>
    /// <exception cref="ModelUpdateException"><c>unknown_transfer</c>.</exception>
    public void Abort(string transferId) => _transfers.Abort(transferId);

    /// <summary>Discards the open transfer when it timed out (called periodically).</summary>
    public void ExpireTransfers() => Log.TransferExpiredIfAny(_logger, _transfers.Expire(), _options.TransferTimeoutSeconds);

    /// <summary>Returns to the previous model (loaded, warmed up and health-checked like an install, without a shadow run).</summary>
    /// <exception cref="ModelUpdateException"><c>no_previous_model</c>, or the previous model failed; the running model is unchanged.</exception>
    public async Task<InstallReport> RollbackAsync(CancellationToken cancellationToken)
    {
        await _operation.WaitAsync(cancellationToken);
        try
        {
            var target = _current.Previous ?? throw new ModelUpdateException(ModelUpdateErrors.NoPreviousModel, "There is no previous model to return to.");
            var candidate = _trial.Load(target, () => RemoveUnlessKept(target, _current));
            var replaced = Engine.Model;
            var health = await SwapAsync(candidate, target, _current.Highest, cancellationToken);
            return new InstallReport(Engine.Model, replaced, null, health, null);
        }
        finally
        {
            _operation.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _transfers.Dispose();
        _checks.Dispose();
        Engine.Dispose();
    }

    private async Task<InstallReport> InstallVerifiedBytesAsync(SignedManifest update, string keyId, string path, CancellationToken cancellationToken)
    {
        var manifest = update.Manifest;
        await UpdateChecks.BytesAsync(manifest, path, cancellationToken);
        CheckSpec(manifest);
        await _operation.WaitAsync(cancellationToken);
        try
        {
            var target = InstalledModels.RefFor(manifest);
            if (target == _current.Active)
            {
                throw new ModelUpdateException(ModelUpdateErrors.AlreadyActive, $"{manifest.Name} {manifest.Version} is the running model.");
            }

            // Again under the lock: a higher version may have been installed since this transfer began.
            _checks.Version(update, _current);

            try
            {
                await _store.InstallAsync(update, path, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                RemoveUnlessKept(target, _current);
                throw new ModelUpdateException(ModelUpdateErrors.StorageFailed, $"The model could not be written: {ex.Message}", ex);
            }

            var candidate = _trial.Load(target, () => RemoveUnlessKept(target, _current));
            ShadowReport shadow;
            try
            {
                shadow = _trial.Shadow(Engine, candidate);
            }
            catch
            {
                candidate.Dispose();
                RemoveUnlessKept(target, _current);
                throw;
            }

            var replaced = Engine.Model;
            var health = await SwapAsync(candidate, target, _current.Raise(manifest), cancellationToken);
            return new InstallReport(Engine.Model, replaced, shadow, health, keyId);
        }
        finally
        {
            _operation.Release();
        }
    }

    private void CheckSpec(UpdateManifest manifest) => UpdateChecks.Spec(manifest, _store.BaseEntry.Input, Engine.Model.EmbeddingSize);

    // Called with the operation lock held.
    // A rollback keeps the highest versions: going back is the operator's choice, not a lower install.
    private async Task<string> SwapAsync(OnnxInferenceEngine candidate, ModelRef target, IReadOnlyDictionary<string, string>? highest, CancellationToken cancellationToken)
    {
        var before = _current;
        var swap = ++_swaps;
        var verdict = Engine.Swap(candidate, _options.HealthCheckInferences);
        _current = new ModelState(target, before.Active, highest);
        (_health, _healthReason) = ("pending", null);
        Log.ModelSwapped(_logger, candidate.Model.Id, candidate.Model.Version ?? "-", before.Active.Name, _options.HealthCheckInferences);
        try
        {
            await verdict.WaitAsync(TimeSpan.FromSeconds(_options.HealthCheckTimeoutSeconds), _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            _ = FinishLaterAsync(verdict, swap, target, before);
            return _health;
        }

        await FinishAsync(await verdict, swap, target, before);
        return _health;
    }

    // Called with the operation lock held. "passed" is reported only once the choice is persisted.
    private async Task FinishAsync(HealthVerdict verdict, int swap, ModelRef target, ModelState before)
    {
        if (verdict.Outcome == HealthOutcome.Superseded)
        {
            return;
        }

        var latest = swap == _swaps;
        if (verdict.Outcome == HealthOutcome.Failed)
        {
            // The engine already went back to the previous model; the bookkeeping follows it.
            _current = before;
            RemoveUnlessKept(target, before);
            if (latest)
            {
                (_health, _healthReason) = ("failed", verdict.Reason);
            }

            Log.HealthFailed(_logger, target.Name, verdict.Reason ?? string.Empty, before.Active.Name);
            throw new ModelUpdateException(ModelUpdateErrors.HealthFailed, $"The new model failed its health check ({verdict.Reason}); {before.Active.Name} runs again.");
        }

        try
        {
            await _store.SaveStateAsync(_current, CancellationToken.None);
            _store.Prune(_current, transfers: false);
            Log.ModelActive(_logger, target.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StateSaveFailed(_logger, ex.Message);
        }

        if (latest)
        {
            (_health, _healthReason) = ("passed", null);
        }
    }

    private async Task FinishLaterAsync(Task<HealthVerdict> pending, int swap, ModelRef target, ModelState before)
    {
        var verdict = await pending;
        if (verdict.Outcome == HealthOutcome.Superseded)
        {
            return;
        }

        await _operation.WaitAsync();
        try
        {
            await FinishAsync(verdict, swap, target, before);
        }
        catch (ModelUpdateException)
        {
            // A late health failure: logged by FinishAsync; nobody waits for a reply any more.
        }
        finally
        {
            _operation.Release();
        }
    }

    private void RemoveUnlessKept(ModelRef target, ModelState keep)
    {
        if (target != keep.Active && target != keep.Previous)
        {
            _store.Remove(target);
        }
    }
}
