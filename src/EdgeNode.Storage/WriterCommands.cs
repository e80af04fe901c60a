using System.Runtime.InteropServices;
using EdgeNode.Core;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>The writer's prepared statements, reused across transactions, and the row-level writes.</summary>
internal sealed class WriterCommands : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _mark;
    private readonly SqliteCommand _counter;

    public WriterCommands(SqliteConnection connection)
    {
        _connection = connection;
        _insert = Command("INSERT INTO messages (id, kind, topic, payload, created_at) VALUES ($id, $kind, $topic, $payload, $created) ON CONFLICT(id) DO NOTHING", "$id", "$kind", "$topic", "$payload", "$created");
        _mark = Command("UPDATE messages SET delivered_at = $now WHERE seq BETWEEN $first AND $last AND delivered_at IS NULL", "$now", "$first", "$last");
        _counter = Command("INSERT INTO counters (name, value) VALUES ($name, $value) ON CONFLICT(name) DO UPDATE SET value = excluded.value", "$name", "$value");
    }

    /// <summary>Enlists the statements in <paramref name="transaction"/>.</summary>
    public void Bind(SqliteTransaction transaction) => _insert.Transaction = _mark.Transaction = _counter.Transaction = transaction;

    /// <summary>Inserts <paramref name="messages"/>; a stable id stored twice is the same item and is skipped.</summary>
    public long Insert(IReadOnlyList<PendingMessage> messages, WriterState state)
    {
        var p = _insert.Parameters;
        long inserted = 0;
        foreach (var message in messages)
        {
            p[0].Value = message.Id;
            p[1].Value = (int)message.Kind;
            p[2].Value = message.Topic;
            p[3].Value = MemoryMarshal.TryGetArray(message.Payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : message.Payload.ToArray();
            p[4].Value = message.CreatedAt.ToUnixTimeMilliseconds();
            if (_insert.ExecuteNonQuery() == 1)
            {
                inserted++;
                state.Pending++;
                state.LastSeq = SQLitePCL.raw.sqlite3_last_insert_rowid(_connection.Handle);
            }

            if (message.Sequence > state.Sequences.GetValueOrDefault(message.Kind))
            {
                state.Sequences[message.Kind] = message.Sequence;
            }
        }

        return inserted;
    }

    /// <summary>
    /// Marks <paramref name="seqs"/> delivered at <paramref name="nowMs"/>; already delivered or evicted rows are skipped.
    /// A drain acknowledges rows in seq order, so its marks are a few runs of consecutive seqs: one statement per run
    /// (a run holds every seq between its ends, so no row outside <paramref name="seqs"/> is touched).
    /// </summary>
    public long Mark(IReadOnlyCollection<long> seqs, long nowMs, WriterState state)
    {
        var sorted = seqs.ToArray();
        Array.Sort(sorted);
        _mark.Parameters[0].Value = nowMs;
        long marked = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var first = sorted[i];
            while (i + 1 < sorted.Length && sorted[i + 1] <= sorted[i] + 1)
            {
                i++;
            }

            _mark.Parameters[1].Value = first;
            _mark.Parameters[2].Value = sorted[i];
            marked += _mark.ExecuteNonQuery();
        }

        state.Pending -= marked;
        return marked;
    }

    public void SetCounter(string name, long value)
    {
        _counter.Parameters[0].Value = name;
        _counter.Parameters[1].Value = value;
        _counter.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _mark.Dispose();
        _counter.Dispose();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
