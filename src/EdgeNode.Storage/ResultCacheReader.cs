using System.Runtime.CompilerServices;
using System.Text;
using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>
/// Read-only access to the node's database for local inspection (<c>edgenode results</c>). Opens the file
/// with <c>Mode=ReadOnly</c>, so it can never write; under WAL it reads a consistent snapshot while the
/// node keeps writing.
/// </summary>
public sealed class ResultCacheReader : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private ResultCacheReader(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens <paramref name="path"/> read-only; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    public static async Task<ResultCacheReader> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No database at {path} (set EdgeNode__Storage__Path or --db).", path);
        }

        var connection = DatabaseFile.Create(path, readOnly: true);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA busy_timeout=5000; SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages'";
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                throw new InvalidDataException($"{path} is not an EdgeNode database (no messages table).");
            }

            return new ResultCacheReader(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Streams the items matching <paramref name="query"/>, oldest first.</summary>
    public async IAsyncEnumerable<StoredMessage> QueryAsync(ResultQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var where = new StringBuilder("1 = 1");
        await using var command = _connection.CreateCommand();
        if (query.Since is { } since)
        {
            where.Append(" AND created_at >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.BeforeSeq is { } before)
        {
            where.Append(" AND seq < $before");
            command.Parameters.AddWithValue("$before", before);
        }

        if (query.PendingOnly)
        {
            where.Append(" AND delivered_at IS NULL");
        }

        if (query.Kinds.Count > 0)
        {
            where.Append(" AND kind IN (").AppendJoin(", ", query.Kinds.Select(k => (int)k)).Append(')');
        }

        command.CommandText = $"SELECT * FROM (SELECT seq, id, kind, topic, payload, created_at, delivered_at FROM messages WHERE {where} ORDER BY seq DESC LIMIT $limit) ORDER BY seq";
        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                (MessageKind)reader.GetInt32(2),
                reader.GetString(3),
                (byte[])reader.GetValue(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));
        }
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c> and returns its first line (<c>ok</c> when healthy).</summary>
    public async Task<string> CheckIntegrityAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
