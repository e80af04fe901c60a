using System.Text;
using Microsoft.Data.Sqlite;

namespace EdgeNode.IntegrationTests;

/// <summary>Direct looks at a node's database file for the offline tests.</summary>
internal static class OfflineDatabase
{
    public static long Size(string path) =>
        (File.Exists(path) ? new FileInfo(path).Length : 0) + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

    /// <summary>Results stored so far; 0 while the node has not laid out its schema yet.</summary>
    public static long Results(string path) => ScalarOrZero(path, "SELECT COUNT(*) FROM messages WHERE kind = 0");

    /// <summary>Results the node has marked delivered (their PUBACK came back).</summary>
    public static long Delivered(string path) => ScalarOrZero(path, "SELECT COUNT(*) FROM messages WHERE kind = 0 AND delivered_at IS NOT NULL");

    public static long Counter(string path, string name) => ScalarOrZero(path, $"SELECT COALESCE((SELECT value FROM counters WHERE name = '{name}'), 0)");

    /// <summary>
    /// Lays out the node's schema (v1) and fills it with undelivered results up to just below the retention
    /// high-water mark of a <paramref name="capMegabytes"/> cap, as if the node had been offline a long time.
    /// </summary>
    public static void FillNearCap(string path, string nodeId, double capMegabytes)
    {
        var cap = (long)(capMegabytes * 1024 * 1024);
        var maxPages = (cap - Math.Clamp(cap / 4, 4096 * 8, 4L << 20)) / 4096;
        Fill(path, nodeId, 10, (connection, _) => Scalar(connection, "PRAGMA page_count") < maxPages * 89 / 100);
    }

    /// <summary>Lays out the node's schema (v1) with <paramref name="count"/> undelivered results, seq 1 to count, as a backlog.</summary>
    public static void FillBacklog(string path, string nodeId, int count) => Fill(path, nodeId, 1000, (_, seq) => seq < count);

    private static void Fill(string path, string nodeId, int perTransaction, Func<SqliteConnection, int, bool> more)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER NULL);
            CREATE INDEX ix_messages_pending ON messages (seq) WHERE delivered_at IS NULL;
            CREATE INDEX ix_messages_created ON messages (created_at);
            CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            PRAGMA user_version = 1;
            """);
        var seq = 0;
        var created = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        while (more(connection, seq))
        {
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO messages (id, kind, topic, payload, created_at) VALUES ($id, 0, $topic, $payload, $created)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
            insert.Parameters.AddWithValue("$topic", $"edgenode/{nodeId}/results");
            insert.Parameters.AddWithValue("$created", created);
            for (var i = 0; i < perTransaction; i++)
            {
                seq++;
                id.Value = $"fill{seq:D28}";
                payload.Value = Encoding.UTF8.GetBytes($"{{\"id\":\"fill{seq:D28}\",\"seq\":{seq},\"node\":\"{nodeId}\",\"model\":\"filler\",\"label\":null,\"confidence\":null,\"novelty\":0,\"frameSeq\":0,\"latencyMs\":0,\"cached\":false}}");
                insert.ExecuteNonQuery();
            }

            using var counter = connection.CreateCommand();
            counter.Transaction = transaction;
            counter.CommandText = $"INSERT INTO counters (name, value) VALUES ('seq:result', {seq}) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
            counter.ExecuteNonQuery();
            transaction.Commit();
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static long ScalarOrZero(string path, string sql)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            return Scalar(path, sql);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            return 0;
        }
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return Scalar(connection, sql);
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
