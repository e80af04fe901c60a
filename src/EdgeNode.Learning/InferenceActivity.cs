namespace EdgeNode.Learning;

/// <summary>
/// Keeps head training out of inference's way on a small board: the pipeline brackets each inference with
/// <see cref="Begin"/>/<see cref="End"/>, and the trainer calls <see cref="WaitWhileBusy"/> between mini-batches
/// (<see cref="TrainingOptions.BetweenBatches"/>), so it runs no batch while an inference is in progress. Measured on
/// a 2-core VM with a 30 fps camera, training beside inference raises inference p95 by 27–34 % even at
/// <c>SCHED_IDLE</c> without this pause, and by 10–12 % with it (docs/benchmarks.md). A mini-batch takes well under a
/// millisecond, so an inference that starts mid-batch waits at most that long. The trainer blocks on an event (no
/// polling: wake-ups of a sleeping thread cost the inference too).
/// </summary>
public sealed class InferenceActivity : IDisposable
{
    private readonly ManualResetEventSlim _idle = new(initialState: true);
    private int _active;

    /// <summary>True while at least one inference runs.</summary>
    public bool IsBusy => Volatile.Read(ref _active) > 0;

    /// <summary>An inference starts.</summary>
    public void Begin()
    {
        if (Interlocked.Increment(ref _active) == 1)
        {
            _idle.Reset();
        }
    }

    /// <summary>An inference ended.</summary>
    public void End()
    {
        if (Interlocked.Decrement(ref _active) == 0)
        {
            _idle.Set();
        }
    }

    /// <summary>Blocks the calling (training) thread while an inference runs.</summary>
    public void WaitWhileBusy()
    {
        while (IsBusy)
        {
            _idle.Wait(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _idle.Dispose();
}
