using EdgeNode.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Storage;

/// <summary>
/// The node's SQLite database (WAL): every result, reading and event is committed here before it is
/// published, and marked delivered once the broker acknowledged it (docs/storage.md).
/// </summary>
/// <remarks>
/// Writes go through one group-commit writer (<see cref="SqliteWriter"/>): concurrent appends share a
/// transaction, and a call returns once its rows are committed. Durability follows
/// <see cref="StorageOptions.Durability"/>: with <c>Normal</c> a committed row survives a killed process and
/// power loss can lose the last commits, never the file; with <c>Full</c> it survives power loss too.
/// Reads use a second, read-only connection, so the publisher and telemetry never wait for a commit.
/// </remarks>
public sealed class SqliteOutboxStore : IOutboxStore, IAsyncDisposable
{
    internal const string DroppedCounter = "dropped";
    internal const string UnreportedCounter = "dropped:unreported";

    private readonly SqliteConnection _writeConnection;
    private readonly SqliteConnection _readConnection;
    private readonly SqliteWriter _writer;
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly ILogger _logger;
    private readonly DamageTracker _damage = new();

    private SqliteOutboxStore(string path, SqliteConnection writeConnection, SqliteConnection readConnection, SqliteWriter writer, SizeBudget budget, ILogger logger)
    {
        Path = path;
        _logger = logger;
        _writeConnection = writeConnection;
        _readConnection = readConnection;
        _writer = writer;
        MaxDatabaseBytes = budget.MaxPages * budget.PageSize;
    }

    /// <summary>Path of the database file.</summary>
    public string Path { get; }

    /// <summary>The hard limit on the database file (the cap minus the WAL's reserve).</summary>
    public long MaxDatabaseBytes { get; }

    /// <summary>Opens the database at <paramref name="path"/> with default options.</summary>
    public static Task<SqliteOutboxStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken = default) =>
        OpenAsync(new StorageOptions { Path = path }, time, NullLogger.Instance, cancellationToken);

    /// <summary>
    /// Opens (creating and migrating when needed) the database of <paramref name="options"/>. A damaged or
    /// unreadable file is moved aside (<c>*.corrupt-{time}</c>), logged as an error, and replaced by a fresh one.
    /// </summary>
    public static async Task<SqliteOutboxStore> OpenAsync(StorageOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        var connection = await DatabaseFile.OpenWriterAsync(options.Path, time, logger, cancellationToken);
        SqliteConnection? reader = null;
        try
        {
            var budget = SizeBudget.FromMegabytes(options.MaxSizeMegabytes, (int)await DatabaseFile.ScalarAsync(connection, "PRAGMA page_size", cancellationToken));
            var retention = new Retention(connection, budget);
            var state = await StoreSetup.ConfigureAsync(connection, retention, options.Durability, cancellationToken);
            reader = DatabaseFile.Create(options.Path, readOnly: true);
            await reader.OpenAsync(cancellationToken);
            Log.Opened(logger, options.Path, SchemaMigrations.LatestVersion, state.Pending, budget.CapBytes, options.Durability);
            return new SqliteOutboxStore(options.Path, connection, reader, new SqliteWriter(connection, retention, state, options, time, logger), budget, logger);
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync();
            }

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

        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
            ArgumentException.ThrowIfNullOrEmpty(message.Id);
            ArgumentException.ThrowIfNullOrEmpty(message.Topic);
        }

        await _writer.WriteAsync(WriteRequest.Append(messages), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> GetLastSequenceAsync(MessageKind kind, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_writer.Snapshot().State.Sequences.GetValueOrDefault(kind));

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(long afterSeq, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await _readGate.WaitAsync(cancellationToken);
        try
        {
            await using var command = _readConnection.CreateCommand();
            command.CommandText = "SELECT seq, id, kind, topic, payload, created_at FROM messages WHERE delivered_at IS NULL AND seq > $after ORDER BY seq LIMIT $max";
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$max", max);
            // Small to start: the live lane reads a handful of rows after each commit; a backlog grows the list.
            var list = new List<OutboxMessage>(Math.Min(max, 16));
            try
            {
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
            }
            catch (SqliteException ex) when (SqliteErrors.IsDamage(ex))
            {
                var pending = _writer.Snapshot().State.Pending;
                if (_damage.ReadFailed(afterSeq, pending))
                {
                    Log.DamagedWhileRunning(_logger, Path, ex.Message, pending);
                }

                throw new StorageDamagedException($"Database {Path} is damaged: undelivered items cannot be read ({ex.Message}); {pending} undelivered items are in the damaged file.", ex);
            }

            if (_damage.ReadSucceeded(afterSeq, list.Count, max, list.Count > 0 ? list[^1].Seq : 0) is { } run)
            {
                Log.DamageReadRecovered(_logger, Path, run);
            }

            return list;
        }
        finally
        {
            _readGate.Release();
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

        try
        {
            await _writer.WriteAsync(WriteRequest.MarkDelivered(seqs), cancellationToken);
        }
        catch (StorageDamagedException ex)
        {
            var pending = _writer.Snapshot().State.Pending;
            if (_damage.MarkFailed(seqs.Min(), pending))
            {
                Log.DamagedWhileRunning(_logger, Path, ex.Message, pending);
            }

            throw;
        }

        if (_damage.MarkSucceeded(seqs.Min(), seqs.Max()) is { } run)
        {
            Log.DamageReadRecovered(_logger, Path, run);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> ReportDropsAsync(Func<long, long, PendingMessage> createReport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createReport);
        return _writer.Snapshot().State.UnreportedDrops == 0
            ? 0
            : await _writer.WriteAsync(WriteRequest.ReportDrops(createReport), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var (state, full, failures) = _writer.Snapshot();
        var damage = _damage.Snapshot();
        DateTimeOffset? oldest = null;
        if (state.Pending > 0)
        {
            await _readGate.WaitAsync(cancellationToken);
            try
            {
                // The first undelivered row by seq: one step along the partial index, no scan.
                var created = await DatabaseFile.ScalarAsync(_readConnection, "SELECT created_at FROM messages WHERE delivered_at IS NULL ORDER BY seq LIMIT 1", cancellationToken);
                oldest = created == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(created);
            }
            catch (SqliteException ex) when (SqliteErrors.IsDamage(ex))
            {
                // The drain's reads count the damage (the counters below); the oldest item's age is unknown meanwhile.
            }
            finally
            {
                _readGate.Release();
            }
        }

        return new OutboxStats(
            state.Pending,
            oldest,
            state.Dropped,
            state.LastSeq,
            full,
            failures,
            damage.Total,
            damage.InARow,
            damage.Lost);
    }

    /// <summary>
    /// Bytes the undelivered rows take in the file, estimated from their columns with SQLite's page fill and index
    /// (×2): what a smaller size cap would have to hold (the <c>config</c> command refuses one below it).
    /// </summary>
    public async ValueTask<long> GetPendingBytesAsync(CancellationToken cancellationToken)
    {
        await _readGate.WaitAsync(cancellationToken);
        try
        {
            return 2 * await DatabaseFile.ScalarAsync(_readConnection, "SELECT COALESCE(SUM(length(payload) + length(topic) + length(id) + 32), 0) FROM messages WHERE delivered_at IS NULL", cancellationToken);
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>Runs a retention pass now (delivered items past their age); normally done on a timer.</summary>
    public async ValueTask<long> PruneAsync(CancellationToken cancellationToken = default) =>
        await _writer.WriteAsync(WriteRequest.Maintenance(), cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _readGate.WaitAsync();
        try
        {
            await _readConnection.DisposeAsync();
            await _writeConnection.DisposeAsync();
        }
        finally
        {
            _readGate.Release();
            _readGate.Dispose();
        }
    }

    internal static string SequenceCounter(MessageKind kind) =>
        SequenceCounters.TryGetValue(kind, out var name) ? name : "seq:" + kind.ToString().ToLowerInvariant();

    /// <summary>The counter names by kind, made once: every group commit names the counters of the kinds it wrote.</summary>
    private static readonly Dictionary<MessageKind, string> SequenceCounters = Enum.GetValues<MessageKind>().ToDictionary(k => k, k => "seq:" + k.ToString().ToLowerInvariant());
}
