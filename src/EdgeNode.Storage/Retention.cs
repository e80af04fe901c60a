using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>
/// Retention inside the writer's transaction: delivered items go first (oldest first), then the oldest
/// undelivered results, then sensor readings; events are never evicted.
/// </summary>
internal sealed class Retention(SqliteConnection connection, SizeBudget budget)
{
    private const int Chunk = 32;

    /// <summary>The budget this retention enforces.</summary>
    public SizeBudget Budget => budget;

    /// <summary>Pages in use (allocated minus free), as seen by <paramref name="transaction"/>.</summary>
    public long UsedPages(SqliteTransaction? transaction) => Pragma(transaction, "page_count") - Pragma(transaction, "freelist_count");

    /// <summary>
    /// Evicts until the used pages are at most <paramref name="targetPages"/>, or nothing evictable is left.
    /// </summary>
    /// <returns>Undelivered items dropped, per kind.</returns>
    public Dictionary<MessageKind, long> EvictTo(SqliteTransaction transaction, long targetPages)
    {
        var dropped = new Dictionary<MessageKind, long>();
        if (UsedPages(transaction) <= targetPages)
        {
            return dropped;
        }

        DeleteWhile(transaction, "delivered_at IS NOT NULL", targetPages);
        foreach (var kind in (MessageKind[])[MessageKind.Result, MessageKind.Sensor])
        {
            if (UsedPages(transaction) <= targetPages)
            {
                break;
            }

            var count = DeleteWhile(transaction, $"delivered_at IS NULL AND kind = {(int)kind}", targetPages);
            if (count > 0)
            {
                dropped[kind] = count;
            }
        }

        return dropped;
    }

    /// <summary>Deletes delivered items created before <paramref name="cutoffMs"/> (Unix ms), in chunks.</summary>
    public long PruneDelivered(SqliteTransaction transaction, long cutoffMs)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE created_at < $cutoff AND delivered_at IS NOT NULL LIMIT {Chunk * 64})";
        command.Parameters.AddWithValue("$cutoff", cutoffMs);
        long total = 0;
        int n;
        while ((n = command.ExecuteNonQuery()) > 0)
        {
            total += n;
        }

        return total;
    }

    private long DeleteWhile(SqliteTransaction transaction, string where, long targetPages)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE {where} ORDER BY seq LIMIT {Chunk})";
        long total = 0;
        while (UsedPages(transaction) > targetPages)
        {
            var n = command.ExecuteNonQuery();
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private long Pragma(SqliteTransaction? transaction, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA " + name;
        return (long)command.ExecuteScalar()!;
    }
}
