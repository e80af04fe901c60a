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
/// <remarks>
/// Its connection writes the file the outbox writes, under the same cap (<see cref="SampleBounds"/>): classes and sample
/// bytes are bounded, and a sample is refused (<see cref="SampleRefusedException"/>, nothing written) rather than let
/// retention evict undelivered results to make room for it.
/// </remarks>
public sealed class SqliteSampleStore : ISampleStore, IAsyncDisposable
{
    /// <summary>Classes held when no bound is given (<c>EdgeNode__Learning__MaxClasses</c>'s default).</summary>
    public const int DefaultMaxClasses = 256;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Random _random;
    private readonly SampleBounds _bounds;
    private long _heldBytes;

    private SqliteSampleStore(SqliteConnection connection, Random random, SampleBounds bounds, long heldBytes)
    {
        _connection = connection;
        _random = random;
        _bounds = bounds;
        _heldBytes = heldBytes;
    }

    /// <summary>Opens (creating and migrating when needed) the database at <paramref name="path"/>, with the default cap and bounds.</summary>
    /// <param name="path">Database file, shared with the outbox.</param>
    /// <param name="seed">Seeds the reservoir's choices (tests); null for a random seed.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static Task<SqliteSampleStore> OpenAsync(string path, int? seed = null, CancellationToken cancellationToken = default) =>
        OpenAsync(new StorageOptions { Path = path }, DefaultMaxClasses, seed, cancellationToken);

    /// <summary>
    /// Opens the database of <paramref name="options"/> under its size cap (the same <c>max_page_count</c> as the
    /// outbox's connection: one cap for the whole file) and its bound on sample bytes, with at most
    /// <paramref name="maxClasses"/> classes.
    /// </summary>
    public static async Task<SqliteSampleStore> OpenAsync(StorageOptions options, int maxClasses, int? seed = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxClasses);
        var path = options.Path;
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
            var bounds = SampleBounds.For(options, maxClasses, (int)await DatabaseFile.ScalarAsync(connection, "PRAGMA page_size", cancellationToken));
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = bounds.ConnectionPragmas;
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            var held = await DatabaseFile.ScalarAsync(connection, "SELECT COALESCE(SUM(length(embedding) + COALESCE(length(image), 0)), 0) FROM samples", cancellationToken);
            return new SqliteSampleStore(connection, seed is { } s ? new Random(s) : new Random(), bounds, held);
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
            try
            {
                var result = await AddInAsync(transaction, sample, capacityPerClass, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                _heldBytes += result.AddedBytes;
                return result.Added;
            }
            catch (SqliteException ex) when (SqliteErrors.IsFull(ex))
            {
                // SQLite refused to grow the file past the cap (max_page_count) or the disk is full.
                await transaction.RollbackAsync(CancellationToken.None);
                throw _bounds.Full(ex);
            }
            catch (SampleRefusedException)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                throw;
            }
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
            var bytes = Convert.ToInt64(await ScalarAsync(transaction, "SELECT COALESCE((SELECT length(embedding) + COALESCE(length(image), 0) FROM samples WHERE id = $id), 0)", cancellationToken, ("$id", id)), CultureInfo.InvariantCulture);
            var label = await ScalarAsync(transaction, "DELETE FROM samples WHERE id = $id RETURNING label", cancellationToken, ("$id", id));
            if (label is null or DBNull)
            {
                return false;
            }

            await ScalarAsync(transaction, "UPDATE sample_classes SET seen = MAX(seen - 1, 0) WHERE label = $label", cancellationToken, ("$label", label));
            await transaction.CommitAsync(cancellationToken);
            _heldBytes -= bytes;
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

    /// <summary>The add inside its transaction; a bound reached throws <see cref="SampleRefusedException"/> for a rollback.</summary>
    private async Task<(SampleAddResult Added, long AddedBytes)> AddInAsync(SqliteTransaction transaction, NewSample sample, int capacityPerClass, CancellationToken cancellationToken)
    {
        var known = await ScalarAsync(transaction, "SELECT 1 FROM sample_classes WHERE label = $label", cancellationToken, ("$label", sample.Label)) is not (null or DBNull);
        _bounds.CheckClass(sample.Label, Convert.ToInt64(await ScalarAsync(transaction, "SELECT COUNT(*) FROM sample_classes", cancellationToken), CultureInfo.InvariantCulture), known);
        var seen = Convert.ToInt64(await ScalarAsync(transaction, "INSERT INTO sample_classes (label, seen) VALUES ($label, 1) ON CONFLICT(label) DO UPDATE SET seen = seen + 1 RETURNING seen", cancellationToken, ("$label", sample.Label)), CultureInfo.InvariantCulture);
        var slot = Reservoir.ChooseSlot(seen, capacityPerClass, _random);
        if (slot < 0)
        {
            return (new SampleAddResult(false, 0, null), 0);
        }

        var bytes = (sample.Embedding.Length * sizeof(float)) + (sample.Image?.Length ?? 0);
        var replacedBytes = Convert.ToInt64(await ScalarAsync(transaction, "SELECT COALESCE((SELECT length(embedding) + COALESCE(length(image), 0) FROM samples WHERE label = $label AND slot = $slot), 0)", cancellationToken, ("$label", sample.Label), ("$slot", slot)), CultureInfo.InvariantCulture);
        _bounds.CheckBytes(_heldBytes - replacedBytes, bytes);
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
        var used = Convert.ToInt64(await ScalarAsync(transaction, "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count())", cancellationToken), CultureInfo.InvariantCulture);
        _bounds.CheckFile(used);
        return (new SampleAddResult(true, id, evicted is null or DBNull ? null : Convert.ToInt64(evicted, CultureInfo.InvariantCulture)), bytes - replacedBytes);
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
