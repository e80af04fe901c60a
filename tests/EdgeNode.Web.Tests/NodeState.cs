using Microsoft.Data.Sqlite;

namespace EdgeNode.Web.Tests;

/// <summary>What a refused request must leave unchanged: the samples in SQLite, the head store, the run-time settings.</summary>
public sealed record NodeState(long Samples, long SampleRows, string Heads, string Settings)
{
    /// <summary>Reads the state of <paramref name="node"/> (SQLite read-only, under WAL a consistent snapshot).</summary>
    public static NodeState Of(WebNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        long seen = 0, rows = 0;
        using (var connection = new SqliteConnection($"Data Source={node.Database};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COALESCE(SUM(seen), 0) FROM sample_classes), (SELECT COUNT(*) FROM samples)";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                seen = reader.GetInt64(0);
                rows = reader.GetInt64(1);
            }
        }

        var heads = Directory.Exists(node.Heads)
            ? string.Join(";", Directory.GetFiles(node.Heads).Order(StringComparer.Ordinal).Select(f => Path.GetFileName(f) + ":" + new FileInfo(f).Length + ":" + (Path.GetFileName(f) == "active" ? File.ReadAllText(f).Trim() : "")))
            : string.Empty;
        var settings = File.Exists(node.RuntimeSettings) ? File.ReadAllText(node.RuntimeSettings) : string.Empty;
        return new NodeState(seen, rows, heads, settings);
    }
}
