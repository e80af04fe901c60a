using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary><c>edgenode results</c> against the database of a running node (read-only, while it writes).</summary>
public sealed class ResultsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Results_WhileTheNodeRuns_ReadsTheCacheReadOnly()
    {
        var db = _dir.File("edgenode.db");
        var environment = NodeEnvironment.For("it-results", FreePort.Next(), db);
        await using var node = NodeProcess.Start(_dir.Path, environment);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (OfflineDatabase.Results(db) < 6)
        {
            Assert.False(node.HasExited || DateTime.UtcNow > deadline, node.Output);
            await Task.Delay(200);
        }

        var cli = new Dictionary<string, string> { ["EdgeNode__Storage__Path"] = db };
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, cli, TimeSpan.FromSeconds(60), "results", "--json", "--limit", "5", "--pending");
        var (textCode, text) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "results", "--db", db, "--since", "10m", "--kind", "all");
        var (missingCode, missing) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "results", "--db", _dir.File("none.db"));
        var (usageCode, _) = await NodeProcess.RunToExitAsync(_dir.Path, cli, TimeSpan.FromSeconds(60), "results", "--since", "yesterday-ish");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.Equal("result", l.GetProperty("kind").GetString()));
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("deliveredAt").ValueKind));
        Assert.All(lines, l => Assert.Equal(l.GetProperty("id").GetString(), l.GetProperty("payload").GetProperty("id").GetString()));
        Assert.True(lines.Select(l => l.GetProperty("seq").GetInt64()).Order().SequenceEqual(lines.Select(l => l.GetProperty("seq").GetInt64())));
        Assert.Equal(0, textCode);
        Assert.Contains("pending", text, StringComparison.Ordinal);
        Assert.Equal(74, missingCode);
        Assert.Contains("none.db", missing, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("none.db")));
        Assert.Equal(64, usageCode);
        Assert.False(node.HasExited);
        Assert.Equal("ok", ResultRows.IntegrityCheck(db));
    }

    public void Dispose() => _dir.Dispose();
}
