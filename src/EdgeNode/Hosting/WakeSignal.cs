namespace EdgeNode.Hosting;

/// <summary>
/// Wakes one waiting loop; signals given before the loop waits again coalesce into one wake-up, so a producer can
/// signal on every item without queueing work. Cheap, idempotent and thread-safe.
/// </summary>
public class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Signals; does nothing when a wake-up is already pending.</summary>
    public void Set()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread signalled first: the loop wakes once either way.
            }
        }
    }

    /// <summary>Waits for a signal or <paramref name="timeout"/>; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Waits for a signal.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the semaphore.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _signal.Dispose();
        }
    }
}
