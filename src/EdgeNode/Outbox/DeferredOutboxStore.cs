using EdgeNode.Storage;

namespace EdgeNode.Outbox;

/// <summary>
/// The node's <see cref="IOutboxStore"/>, opened by the first hosted service to start (<see cref="DeferredStore{TStore}"/>):
/// the database is open before anything starts and closes after everything stopped.
/// </summary>
internal sealed class DeferredOutboxStore(IOptions<StorageOptions> options, TimeProvider time, ILoggerFactory loggers) : DeferredStore<SqliteOutboxStore>, IOutboxStore
{
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
        await (await StoreAsync(cancellationToken)).GetPendingBytesAsync(cancellationToken);

    public async ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).GetStatsAsync(cancellationToken);

    public async ValueTask<long> ReportDropsAsync(Func<long, long, PendingMessage> createReport, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).ReportDropsAsync(createReport, cancellationToken);

    protected override Task<SqliteOutboxStore> OpenAsync(CancellationToken cancellationToken) =>
        SqliteOutboxStore.OpenAsync(options.Value, time, loggers.CreateLogger("EdgeNode.Storage"), cancellationToken);
}
