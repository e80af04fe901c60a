using EdgeNode.Core;
using EdgeNode.Learning;
using EdgeNode.Web;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Services;

/// <summary>
/// Loads the active head at start (falling back to an older version when it is corrupt), then trains a new
/// head in the background whenever enough labels arrived or a <c>train</c> command asks, on a low-priority
/// thread; a head that passes the validation gate is written as a new version and swapped in.
/// </summary>
internal sealed partial class HeadTrainingService(
    ActiveHead active,
    HeadRepository repository,
    ISampleStore samples,
    IInferenceEngine engine,
    InferenceActivity inference,
    TrainingProgress progress,
    IOptions<LearningOptions> options,
    TimeProvider time,
    ILogger<HeadTrainingService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _trigger = new(0, 1);
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
    public void RequestTraining()
    {
        if (_trigger.CurrentCount == 0)
        {
            try
            {
                _trigger.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already pending.
            }
        }
    }

    /// <summary>Makes the previous head version active; null when there is none.</summary>
    public async Task<HeadInfo?> RollbackAsync(CancellationToken cancellationToken)
    {
        var previous = await repository.RollbackAsync(cancellationToken);
        if (previous is not { } loaded)
        {
            return null;
        }

        active.Swap(loaded.Head, loaded.Info);
        LogRolledBack(logger, loaded.Info.Version);
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
                LogBackboneMismatch(logger, head.Info.Version, head.Info.BackboneId, engine.Model.Id);
            }
            else
            {
                active.Swap(head.Head, head.Info);
                LogLoaded(logger, head.Info.Version, head.Head.Classes.Count, head.Info.ValidationAccuracy);
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
            result = await LowPriorityWork.RunAsync("head-training", () => GatedTraining.Run(current?.Head, stored, engine.Model.EmbeddingSize, training, o.ValidationFraction, o.GateMargin, o.HiddenUnits, cancellationToken));
        }
        catch (ArgumentException ex)
        {
            LogNotTrained(logger, ex.Message);
            progress.Finished("not_trained", null, ex.Message);
            return;
        }

        if (!result.Accepted)
        {
            LogRejected(logger, result.Reason);
            progress.Finished("rejected", null, result.Reason);
            return;
        }

        var info = new HeadInfo(repository.NextVersion(), time.GetUtcNow(), engine.Model.Id, result.CandidateAccuracy, result.TrainCount);
        await repository.SaveAsync(result.Candidate, info, cancellationToken);
        active.Swap(result.Candidate, info);
        LogAccepted(logger, info.Version, result.Candidate.Classes.Count, result.Reason);
        progress.Finished("accepted", info.Version, result.Reason);
    }

    [LoggerMessage(1, LogLevel.Information, "Head version {Version} loaded: {Classes} classes, validation accuracy {Accuracy:F3}")]
    private static partial void LogLoaded(ILogger logger, int version, int classes, double accuracy);

    [LoggerMessage(2, LogLevel.Warning, "Head version {Version} was trained on backbone {HeadBackbone}, not {Backbone}; results carry no label until a head is trained on this backbone")]
    private static partial void LogBackboneMismatch(ILogger logger, int version, string headBackbone, string backbone);

    [LoggerMessage(3, LogLevel.Information, "Head version {Version} accepted and active: {Classes} classes; {Reason}")]
    private static partial void LogAccepted(ILogger logger, int version, int classes, string reason);

    [LoggerMessage(4, LogLevel.Warning, "New head rejected by the validation gate, the active head stays: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Information, "No training run: {Reason}")]
    private static partial void LogNotTrained(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Rolled back to head version {Version}")]
    private static partial void LogRolledBack(ILogger logger, int version);
}
