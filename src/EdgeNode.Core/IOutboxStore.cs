namespace EdgeNode.Core;

/// <summary>
/// Durable store-and-forward queue: every item is committed before it is published,
/// and marked delivered only once the broker acknowledged it.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Commits <paramref name="messages"/> in one transaction.</summary>
    ValueTask AppendAsync(IReadOnlyList<PendingMessage> messages, CancellationToken cancellationToken);

    /// <summary>Oldest undelivered messages with <see cref="OutboxMessage.Seq"/> greater than <paramref name="afterSeq"/>.</summary>
    ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>Marks the messages delivered (acknowledged by the broker).</summary>
    ValueTask MarkDeliveredAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken);

    /// <summary>Highest <see cref="PendingMessage.Sequence"/> ever committed for <paramref name="kind"/> (0 when none).</summary>
    ValueTask<long> GetLastSequenceAsync(MessageKind kind, CancellationToken cancellationToken);

    /// <summary>Number of undelivered messages and the creation time of the oldest one.</summary>
    ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// When retention dropped undelivered items since the last report, commits the report built by
    /// <paramref name="createReport"/> (arguments: items dropped since the last report, the next
    /// <see cref="MessageKind.Event"/> sequence number) and resets the unreported count in the same transaction.
    /// </summary>
    /// <returns>The number of drops reported; 0 when there was nothing to report.</returns>
    ValueTask<long> ReportDropsAsync(Func<long, long, PendingMessage> createReport, CancellationToken cancellationToken);
}

/// <summary>Outbox depth for telemetry.</summary>
/// <param name="Pending">Items not yet acknowledged by the broker.</param>
/// <param name="OldestPending">Creation time of the oldest undelivered item, if any.</param>
/// <param name="Dropped">Undelivered items dropped by retention since the database was created.</param>
/// <param name="LastSeq">Highest store-assigned <see cref="OutboxMessage.Seq"/> so far (0 when empty).</param>
/// <param name="StorageFull">True while writes fail because the disk (or the size cap) is full.</param>
/// <param name="WriteFailures">Items that could not be stored at all since start (full disk, I/O error).</param>
/// <param name="DamagedBatches">Batches of the drain (reads of undelivered items, delivery marks) that failed because the file is damaged, since start.</param>
/// <param name="ConsecutiveDamagedBatches">Such failures since the drain last got past the places that failed (0 once it does).</param>
/// <param name="DamageLost">
/// Undelivered items in the file when the latest damaged batch failed: they cannot be sent from it, and the restart's
/// recovery moves the file aside with them; 0 while no read has failed.
/// </param>
public readonly record struct OutboxStats(
    long Pending,
    DateTimeOffset? OldestPending,
    long Dropped,
    long LastSeq = 0,
    bool StorageFull = false,
    long WriteFailures = 0,
    long DamagedBatches = 0,
    long ConsecutiveDamagedBatches = 0,
    long DamageLost = 0);
