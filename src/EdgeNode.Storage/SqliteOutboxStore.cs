using System.Globalization;
using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>
/// The node's SQLite database (WAL): every result, reading and event is committed here before it is
/// published, and marked delivered once the broker acknowledged it.
/// </summary>
/// <remarks>
/// Durability: WAL with <c>synchronous=NORMAL</c>. A committed row survives a killed process; on power
/// loss the last transactions before the crash may be lost but the file is never corrupted.
/// One connection serialised by a semaphore: SQLite allows one writer anyway.
/// </remarks>
public sealed class SqliteOutboxStore : IOutboxStore, IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    private SqliteOutboxStore(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
    }

    /// <summary>Path of the database file.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Opens (creating and migrating when needed) the database at <paramref name="path"/>.</summary>
    public static async Task<SqliteOutboxStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await SchemaMigrations.ApplyAsync(connection, cancellationToken);
            return new SqliteOutboxStore(connection, time);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(IReadOnlyList<PendingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            await using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO messages (id, kind, topic, payload, created_at) VALUES ($id, $kind, $topic, $payload, $created)";
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var kind = command.Parameters.Add("$kind", SqliteType.Integer);
            var topic = command.Parameters.Add("$topic", SqliteType.Text);
            var payload = command.Parameters.Add("$payload", SqliteType.Blob);
            var created = command.Parameters.Add("$created", SqliteType.Integer);
            var lastSequence = new Dictionary<MessageKind, long>();
            foreach (var message in messages)
            {
                if (message.Sequence > 0)
                {
                    lastSequence[message.Kind] = Math.Max(message.Sequence, lastSequence.GetValueOrDefault(message.Kind));
                }

                id.Value = message.Id;
                kind.Value = (int)message.Kind;
                topic.Value = message.Topic;
                payload.Value = message.Payload.ToArray();
                created.Value = message.CreatedAt.ToUnixTimeMilliseconds();
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (messageKind, sequence) in lastSequence)
            {
                await using var counter = _connection.CreateCommand();
                counter.Transaction = transaction;
                counter.CommandText = "INSERT INTO counters (name, value) VALUES ($name, $value) ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)";
                counter.Parameters.AddWithValue("$name", SequenceCounter(messageKind));
                counter.Parameters.AddWithValue("$value", sequence);
                await counter.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetLastSequenceAsync(MessageKind kind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ReadCounterAsync(SequenceCounter(kind), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, id, kind, topic, payload, created_at FROM messages WHERE delivered_at IS NULL AND seq > $after ORDER BY seq LIMIT $max";
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$max", max);
            var list = new List<OutboxMessage>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new OutboxMessage(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    (MessageKind)reader.GetInt32(2),
                    reader.GetString(3),
                    (byte[])reader.GetValue(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
            }

            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask MarkDeliveredAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            await using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE messages SET delivered_at = $now WHERE seq = $seq AND delivered_at IS NULL";
            command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            var seq = command.Parameters.Add("$seq", SqliteType.Integer);
            foreach (var value in seqs)
            {
                seq.Value = value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), MIN(created_at) FROM messages WHERE delivered_at IS NULL";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var pending = reader.GetInt64(0);
            DateTimeOffset? oldest = reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
            return new OutboxStats(pending, oldest, await ReadCounterAsync("dropped", cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _connection.DisposeAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    private static string SequenceCounter(MessageKind kind) => "seq:" + kind.ToString().ToLowerInvariant();

    private async Task<long> ReadCounterAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT value FROM counters WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
