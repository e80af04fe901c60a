using EdgeNode.Core;
using EdgeNode.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Outbox;

/// <summary>
/// The node's <see cref="IOutboxStore"/>, opened asynchronously by the first hosted service to start (no blocking wait
/// in a DI factory). Calls made before it is open wait for the opening; when opening fails, the host's start fails
/// with that error before any other service starts (exit code 74 for an I/O error), as before.
/// </summary>
internal sealed class DeferredOutboxStore(IOptions<StorageOptions> options, TimeProvider time, ILoggerFactory loggers) : IOutboxStore, IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<SqliteOutboxStore> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _opened.TrySetResult(await SqliteOutboxStore.OpenAsync(options.Value, time, loggers.CreateLogger("EdgeNode.Storage"), cancellationToken));
        }
        catch (Exception ex)
        {
            // Callers waiting for the store fail with the same error; the host's start rethrows it below.
            _opened.TrySetException(ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask AppendAsync(IReadOnlyList<PendingMessage> messages, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).AppendAsync(messages, cancellationToken);

    public async ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).ReadPendingAsync(afterSeq, max, cancellationToken);

    public async ValueTask MarkDeliveredAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).MarkDeliveredAsync(seqs, cancellationToken);

    public async ValueTask<long> GetLastSequenceAsync(MessageKind kind, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).GetLastSequenceAsync(kind, cancellationToken);

    /// <summary>See <see cref="SqliteOutboxStore.GetPendingBytesAsync"/>.</summary>
    public async ValueTask<long> GetPendingBytesAsync(CancellationToken cancellationToken) =>
        await (await _opened.Task.WaitAsync(cancellationToken)).GetPendingBytesAsync(cancellationToken);

    public async ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).GetStatsAsync(cancellationToken);

    public async ValueTask<long> ReportDropsAsync(Func<long, long, PendingMessage> createReport, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).ReportDropsAsync(createReport, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Registered as itself, as IOutboxStore and as a hosted service: the container may dispose it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _opened.Task.IsCompletedSuccessfully)
        {
            await _opened.Task.Result.DisposeAsync();
        }
    }

    private ValueTask<SqliteOutboxStore> StoreAsync(CancellationToken cancellationToken) =>
        _opened.Task.IsCompletedSuccessfully ? ValueTask.FromResult(_opened.Task.Result) : new(_opened.Task.WaitAsync(cancellationToken));
}
