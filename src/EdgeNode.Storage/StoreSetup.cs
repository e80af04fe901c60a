using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>Per-connection settings of the writer and the state it starts from.</summary>
internal static class StoreSetup
{
    public static async Task<WriterState> ConfigureAsync(SqliteConnection connection, Retention retention, StorageDurability durability, CancellationToken cancellationToken)
    {
        var budget = retention.Budget;
        var synchronous = durability == StorageDurability.Full ? "FULL" : "NORMAL";
        await ExecuteAsync(connection, $"PRAGMA synchronous={synchronous}; PRAGMA journal_size_limit={budget.WalBytes}; PRAGMA wal_autocheckpoint={budget.AutoCheckpointPages};", cancellationToken);

        var state = await LoadStateAsync(connection, cancellationToken);

        // A cap lowered since the last run: evict down to it, and give the space back to the file system.
        if (await DatabaseFile.ScalarAsync(connection, "PRAGMA page_count", cancellationToken) > budget.MaxPages)
        {
            await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
            {
                var dropped = retention.EvictTo(transaction, budget.LowWaterPages).Values.Sum();
                await using var counter = connection.CreateCommand();
                counter.Transaction = transaction;
                counter.CommandText = "INSERT INTO counters (name, value) VALUES ($name, $value) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value";
                var name = counter.Parameters.Add("$name", SqliteType.Text);
                counter.Parameters.AddWithValue("$value", dropped);
                foreach (var counterName in (string[])[SqliteOutboxStore.DroppedCounter, SqliteOutboxStore.UnreportedCounter])
                {
                    name.Value = counterName;
                    await counter.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            await ExecuteAsync(connection, "VACUUM", cancellationToken);
            state = await LoadStateAsync(connection, cancellationToken);
        }

        // SQLite itself refuses to grow the file past the cap (SQLITE_FULL), whatever retention does.
        await ExecuteAsync(connection, $"PRAGMA max_page_count={budget.MaxPages}", cancellationToken);
        return state;
    }

    private static async Task<WriterState> LoadStateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var state = new WriterState
        {
            Pending = await DatabaseFile.ScalarAsync(connection, "SELECT COUNT(*) FROM messages WHERE delivered_at IS NULL", cancellationToken),
            LastSeq = await DatabaseFile.ScalarAsync(connection, "SELECT seq FROM sqlite_sequence WHERE name = 'messages'", cancellationToken),
        };
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, value FROM counters";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var value = reader.GetInt64(1);
            switch (name)
            {
                case SqliteOutboxStore.DroppedCounter:
                    state.Dropped = value;
                    break;
                case SqliteOutboxStore.UnreportedCounter:
                    state.UnreportedDrops = value;
                    break;
                default:
                    foreach (var kind in Enum.GetValues<MessageKind>())
                    {
                        if (name == SqliteOutboxStore.SequenceCounter(kind))
                        {
                            state.Sequences[kind] = value;
                        }
                    }

                    break;
            }
        }

        return state;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
