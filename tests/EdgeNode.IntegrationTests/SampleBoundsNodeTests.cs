using EdgeNode.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// A label flood with new class names through the <c>label</c> verb (issue 20, item 17): the node keeps the bound on
/// classes (<c>EdgeNode__Learning__MaxClasses</c>) and answers every label past it with <c>too_many_classes</c>, naming
/// the key, with nothing stored. The node as a process against a real mosquitto; the database read directly.
/// </summary>
public sealed class SampleBoundsNodeTests : IDisposable
{
    private const string Node = "it-samples";
    private const string Cmd = "edgenode/" + Node + "/cmd/";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task LabelFlood_NewClassNames_BoundedByMaxClasses_RestRefusedWithTooManyClasses()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var db = _dir.File("edgenode.db");
        var environment = NodeEnvironment.For(Node, broker.Port, db);
        environment["EdgeNode__Learning__MaxClasses"] = "3";
        environment["EdgeNode__Learning__RetrainAfterLabels"] = "1000";
        environment["EdgeNode__Learning__LabelBurst"] = "100";
        environment["EdgeNode__Learning__StoreImages"] = "true";
        await using var node = NodeProcess.Start(_dir.Path, environment);
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await client.WaitReadyAsync(Cmd + "health", Startup);

        var answers = new List<CommandAnswer>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await client.SendAsync(Cmd + "label", $"{{\"result\":\"last\",\"label\":\"flood-{i:D2}\"}}", Reply));
        }

        Assert.All(answers.Take(3), a => Assert.True(a.Ok, a.Json));
        Assert.All(answers.Skip(3), a => Assert.Equal("too_many_classes", a.ErrorCode));
        Assert.Contains("EdgeNode__Learning__MaxClasses", answers[^1].Root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        // A known class still takes labels.
        Assert.True((await client.SendAsync(Cmd + "label", "{\"result\":\"last\",\"label\":\"flood-01\"}", Reply)).Ok);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(["flood-00", "flood-01", "flood-02"], Labels(db, "SELECT label FROM sample_classes ORDER BY label"));
        Assert.Equal(4, Labels(db, "SELECT label FROM samples").Count);
    }

    public void Dispose() => _dir.Dispose();

    private static List<string> Labels(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var labels = new List<string>();
        while (reader.Read())
        {
            labels.Add(reader.GetString(0));
        }

        return labels;
    }
}
