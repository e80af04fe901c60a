namespace EdgeNode.Learning;

/// <summary>
/// What the head training is doing, for the page's live progress (<c>training</c> events): a counter that changes with
/// every step, so readers can poll it cheaply, and the latest state.
/// </summary>
public sealed class TrainingProgress(TimeProvider time)
{
    private readonly Lock _gate = new();
    private TrainingState _state = new("idle", 0, 0, null, null, null, null);
    private long _batches;

    /// <summary>The latest state.</summary>
    public TrainingState State
    {
        get
        {
            lock (_gate)
            {
                return _state with { Batches = Interlocked.Read(ref _batches) };
            }
        }
    }

    /// <summary>Changes whenever the state or the batch count does.</summary>
    public long Revision => Interlocked.Read(ref _batches) + (State.Revision << 32);

    /// <summary>A run was asked for.</summary>
    public void Queued() => Set(s => s with { Phase = "queued", Message = null });

    /// <summary>A run started on <paramref name="samples"/> samples for <paramref name="epochs"/> epochs of <paramref name="batchesPerEpoch"/> batches.</summary>
    public void Started(int samples, int epochs, int batchesPerEpoch)
    {
        Interlocked.Exchange(ref _batches, 0);
        Set(s => s with { Phase = "training", TotalBatches = (long)epochs * Math.Max(1, batchesPerEpoch), Message = $"{samples} samples", StartedAt = time.GetUtcNow() });
    }

    /// <summary>One mini-batch done.</summary>
    public void Batch() => Interlocked.Increment(ref _batches);

    /// <summary>The run ended: <paramref name="phase"/> is <c>accepted</c>, <c>rejected</c> or <c>not_trained</c>.</summary>
    public void Finished(string phase, int? version, string message) =>
        Set(s => s with { Phase = phase, Version = version, Message = message, FinishedAt = time.GetUtcNow() });

    private void Set(Func<TrainingState, TrainingState> change)
    {
        lock (_gate)
        {
            _state = change(_state) with { Revision = _state.Revision + 1 };
        }
    }
}

/// <summary>One state of <see cref="TrainingProgress"/>.</summary>
/// <param name="Phase"><c>idle</c>, <c>queued</c>, <c>training</c>, <c>accepted</c>, <c>rejected</c>, <c>not_trained</c>.</param>
/// <param name="Batches">Mini-batches done in this run.</param>
/// <param name="TotalBatches">Mini-batches the run will take.</param>
/// <param name="Version">The head version an accepted run made.</param>
/// <param name="Message">Why it ended so, or what it trains on.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When it ended.</param>
public sealed record TrainingState(string Phase, long Batches, long TotalBatches, int? Version, string? Message, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>Increases with every change of phase.</summary>
    public long Revision { get; init; }
}
