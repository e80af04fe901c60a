using System.Text;
using Microsoft.Data.Sqlite;

namespace EdgeNode.IntegrationTests;

/// <summary>Reads the results a node committed, straight from its SQLite file.</summary>
internal static class ResultRows
{
    public static Dictionary<string, (string Payload, bool Delivered)> Read(string databasePath)
    {
        var rows = new Dictionary<string, (string, bool)>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, payload, delivered_at IS NOT NULL FROM messages WHERE kind = 0 ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows[reader.GetString(0)] = (Encoding.UTF8.GetString((byte[])reader.GetValue(1)), reader.GetBoolean(2));
        }

        return rows;
    }

    public static string IntegrityCheck(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }
}
