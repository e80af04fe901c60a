namespace EdgeNode.Hosting;

/// <summary>
/// A store that a hosted service opens asynchronously at its place in the start order, so that no DI factory blocks
/// on an <c>OpenAsync</c>. Calls made before it is open wait for the opening; when opening fails, callers fail with
/// that error and so does the host's start (exit code 74 for an I/O error), before the services after it start.
/// </summary>
/// <typeparam name="TStore">The opened store; disposed with the container.</typeparam>
internal abstract class DeferredStore<TStore> : IHostedService, IAsyncDisposable
    where TStore : class, IAsyncDisposable
{
    private readonly TaskCompletionSource<TStore> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _opened.TrySetResult(await OpenAsync(cancellationToken));
        }
        catch (Exception ex)
        {
            // Callers waiting for the store fail with the same error; the host's start rethrows it below.
            _opened.TrySetException(ex);
            throw;
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Registered as itself, as its port and as a hosted service: the container may dispose it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _opened.Task.IsCompletedSuccessfully)
        {
            await _opened.Task.Result.DisposeAsync();
        }
    }

    /// <summary>Opens the store (once, at start).</summary>
    protected abstract Task<TStore> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The open store, waiting for the opening when it has not ended yet.</summary>
    protected ValueTask<TStore> StoreAsync(CancellationToken cancellationToken) =>
        _opened.Task.IsCompletedSuccessfully ? ValueTask.FromResult(_opened.Task.Result) : new(_opened.Task.WaitAsync(cancellationToken));
}
