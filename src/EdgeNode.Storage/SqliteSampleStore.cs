using System.Globalization;
using System.Runtime.InteropServices;
using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>
/// The replay store in the node's SQLite database (table <c>samples</c>): embedding, label, source, time and,
/// when configured, the image, with a per-class reservoir of fixed size. Readable by other tools (a web page
/// lists it by class and time through <see cref="ListAsync"/> or plain SQL).
/// </summary>
public sealed class SqliteSampleStore : ISampleStore, IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Random _random;

    private SqliteSampleStore(SqliteConnection connection, Random random)
    {
        _connection = connection;
        _random = random;
    }

    /// <summary>Opens (creating and migrating when needed) the database at <paramref name="path"/>.</summary>
    /// <param name="path">Database file, shared with the outbox.</param>
    /// <param name="seed">Seeds the reservoir's choices (tests); null for a random seed.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static async Task<SqliteSampleStore> OpenAsync(string path, int? seed = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await SchemaMigrations.ApplyAsync(connection, cancellationToken);
            return new SqliteSampleStore(connection, seed is { } s ? new Random(s) : new Random());
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<SampleAddResult> AddAsync(NewSample sample, int capacityPerClass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentException.ThrowIfNullOrWhiteSpace(sample.Label);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityPerClass);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            var seen = Convert.ToInt64(await ScalarAsync(transaction, "INSERT INTO sample_classes (label, seen) VALUES ($label, 1) ON CONFLICT(label) DO UPDATE SET seen = seen + 1 RETURNING seen", cancellationToken, ("$label", sample.Label)), CultureInfo.InvariantCulture);
            var slot = Reservoir.ChooseSlot(seen, capacityPerClass, _random);
            if (slot < 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return new SampleAddResult(false, 0, null);
            }

            var evicted = await ScalarAsync(transaction, "DELETE FROM samples WHERE label = $label AND slot = $slot RETURNING id", cancellationToken, ("$label", sample.Label), ("$slot", slot));
            var id = Convert.ToInt64(await ScalarAsync(
                transaction,
                "INSERT INTO samples (label, slot, source, model_id, result_id, created_at, embedding, image) VALUES ($label, $slot, $source, $model, $result, $created, $embedding, $image) RETURNING id",
                cancellationToken,
                ("$label", sample.Label),
                ("$slot", slot),
                ("$source", sample.Source),
                ("$model", sample.ModelId),
                ("$result", sample.ResultId),
                ("$created", sample.CreatedAt.ToUnixTimeMilliseconds()),
                ("$embedding", MemoryMarshal.AsBytes(sample.Embedding.Span).ToArray()),
                ("$image", sample.Image?.ToArray())), CultureInfo.InvariantCulture);
            await transaction.CommitAsync(cancellationToken);
            return new SampleAddResult(true, id, evicted is null or DBNull ? null : Convert.ToInt64(evicted, CultureInfo.InvariantCulture));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<LabeledSample>> ListAsync(SampleQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT id, label, source, model_id, created_at, result_id, {(query.IncludeEmbedding ? "embedding" : "NULL")}, {(query.IncludeImage ? "image" : "NULL")}
                FROM samples
                WHERE ($label IS NULL OR label = $label) AND ($model IS NULL OR model_id = $model) AND ($before IS NULL OR created_at < $before)
                ORDER BY created_at DESC, id DESC LIMIT $limit
                """;
            command.Parameters.AddWithValue("$label", (object?)query.Label ?? DBNull.Value);
            command.Parameters.AddWithValue("$model", (object?)query.ModelId ?? DBNull.Value);
            command.Parameters.AddWithValue("$before", query.Before is { } before ? before.ToUnixTimeMilliseconds() : DBNull.Value);
            command.Parameters.AddWithValue("$limit", query.Limit);
            var list = new List<LabeledSample>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new LabeledSample(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(6)).ToArray(),
                    reader.IsDBNull(7) ? null : (byte[])reader.GetValue(7)));
            }

            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SampleClassCount>> CountByClassAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT c.label, (SELECT COUNT(*) FROM samples s WHERE s.label = c.label), c.seen FROM sample_classes c ORDER BY c.label";
            var list = new List<SampleClassCount>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new SampleClassCount(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            var label = await ScalarAsync(transaction, "DELETE FROM samples WHERE id = $id RETURNING label", cancellationToken, ("$id", id));
            if (label is null or DBNull)
            {
                return false;
            }

            await ScalarAsync(transaction, "UPDATE sample_classes SET seen = MAX(seen - 1, 0) WHERE label = $label", cancellationToken, ("$label", label));
            await transaction.CommitAsync(cancellationToken);
            return true;
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

    private async Task<object?> ScalarAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
