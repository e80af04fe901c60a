using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning;

/// <summary>
/// Loads the active head at start (falling back to an older version when it is corrupt), then trains a new
/// head in the background whenever enough labels arrived or a <c>train</c> command asks, on a low-priority
/// thread; a head that passes the validation gate is written as a new version and swapped in.
/// </summary>
internal sealed class HeadTrainingService(
    ActiveHead active,
    HeadRepository repository,
    ISampleStore samples,
    StatisticsLedger ledger,
    IInferenceEngine engine,
    InferenceActivity inference,
    TrainingProgress progress,
    IOptions<LearningOptions> options,
    TimeProvider time,
    ILogger<HeadTrainingService> logger) : BackgroundService
{
    private readonly WakeSignal _trigger = new();
    private readonly Lock _gate = new();
    private int _labelsSinceTraining;

    /// <summary>Counts an accepted label; enough of them start a training run.</summary>
    public void OnLabelAccepted()
    {
        lock (_gate)
        {
            if (++_labelsSinceTraining < options.Value.RetrainAfterLabels)
            {
                return;
            }
        }

        RequestTraining();
    }

    /// <summary>Starts a training run soon (coalesced with one already pending).</summary>
    public void RequestTraining() => _trigger.Set();

    /// <summary>Makes the previous head version active; null when there is none.</summary>
    public async Task<HeadInfo?> RollbackAsync(CancellationToken cancellationToken)
    {
        var previous = await repository.RollbackAsync(cancellationToken);
        if (previous is not { } loaded)
        {
            return null;
        }

        active.Swap(loaded.Head, loaded.Info);
        NodeLog.HeadRolledBack(logger, loaded.Info.Version);
        return loaded.Info;
    }

    public override void Dispose()
    {
        _trigger.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var loaded = await repository.LoadActiveAsync(stoppingToken);
        if (loaded is { } head)
        {
            if (head.Info.BackboneId != engine.Model.Id || head.Head.InputSize != engine.Model.EmbeddingSize)
            {
                NodeLog.HeadBackboneMismatch(logger, head.Info.Version, head.Info.BackboneId, engine.Model.Id);
            }
            else
            {
                active.Swap(head.Head, head.Info);
                NodeLog.HeadLoaded(logger, head.Info.Version, head.Head.Classes.Count, head.Info.ValidationAccuracy);
            }
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _trigger.WaitAsync(stoppingToken);
                lock (_gate)
                {
                    _labelsSinceTraining = 0;
                }

                await TrainOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; a run in progress was cancelled and left the active head as it was.
        }
    }

    private async Task TrainOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var stored = await samples.ListAsync(new SampleQuery(ModelId: engine.Model.Id, Limit: int.MaxValue, IncludeEmbedding: true), cancellationToken);
        var current = active.Current;
        // Between mini-batches the trainer waits while an inference runs (InferenceActivity).
        var training = new TrainingOptions
        {
            Epochs = o.Epochs,
            BetweenBatches = () =>
            {
                progress.Batch();
                inference.WaitWhileBusy();
            },
        };
        progress.Started(stored.Count, o.Epochs, (int)Math.Ceiling(stored.Count * (1 - o.ValidationFraction) / training.BatchSize));
        GateResult result;
        try
        {
            var kind = Kind(o);
            var statistics = kind == HeadKind.Softmax ? null : await ledger.SnapshotAsync(engine.Model.Id, engine.Model.EmbeddingSize, stored, cancellationToken);
            result = await LowPriorityWork.RunAsync("head-training", () => GatedTraining.Run(kind, current?.Head, stored, engine.Model.EmbeddingSize, training, o.ValidationFraction, o.GateMargin, o.HiddenUnits, statistics, cancellationToken));
        }
        catch (ArgumentException ex)
        {
            NodeLog.HeadNotTrained(logger, ex.Message);
            progress.Finished("not_trained", null, ex.Message);
            return;
        }

        if (!result.Accepted)
        {
            NodeLog.HeadRejected(logger, result.Reason);
            progress.Finished("rejected", null, result.Reason);
            return;
        }

        var info = new HeadInfo(repository.NextVersion(), time.GetUtcNow(), engine.Model.Id, result.CandidateAccuracy, result.TrainCount, Kind(o));
        await repository.SaveAsync(result.Candidate, info, cancellationToken);
        active.Swap(result.Candidate, info);
        NodeLog.HeadAccepted(logger, info.Version, result.Candidate.Classes.Count, result.Reason);
        progress.Finished("accepted", info.Version, result.Reason);
    }

    // An MLP head has no discriminant form: HiddenUnits > 0 keeps the softmax trainer.
    private static HeadKind Kind(LearningOptions o) => o.HiddenUnits > 0 || !HeadKinds.TryParse(o.Head, out var kind) ? HeadKind.Softmax : kind;
}
