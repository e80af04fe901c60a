using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>Versioned schema: <c>PRAGMA user_version</c> records the last migration applied.</summary>
internal static class SchemaMigrations
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind INTEGER NOT NULL,
            topic TEXT NOT NULL,
            payload BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER NULL
        );
        CREATE INDEX ix_messages_pending ON messages (seq) WHERE delivered_at IS NULL;
        CREATE INDEX ix_messages_created ON messages (created_at);
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """,
        """
        CREATE TABLE samples (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            label TEXT NOT NULL,
            slot INTEGER NOT NULL,
            source TEXT NOT NULL,
            model_id TEXT NOT NULL,
            result_id TEXT NULL,
            created_at INTEGER NOT NULL,
            embedding BLOB NOT NULL,
            image BLOB NULL,
            UNIQUE (label, slot)
        );
        CREATE INDEX ix_samples_label_created ON samples (label, created_at);
        CREATE INDEX ix_samples_created ON samples (created_at);
        CREATE TABLE sample_classes (label TEXT PRIMARY KEY, seen INTEGER NOT NULL);
        """,
    ];

    /// <summary>Latest schema version.</summary>
    public static int LatestVersion => Migrations.Length;

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;", cancellationToken);
        await using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = current; i < Migrations.Length; i++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[i] + $"\nPRAGMA user_version = {i + 1};";
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
