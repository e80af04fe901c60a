using System.Security.Cryptography;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// A database on a filesystem that became read-only while the node was down (issue 20, item 14): the node must keep
/// it as it is, with its backlog, and stop with exit 74 naming it, not run on with every write failing, nor move it
/// aside. A real tmpfs remounted read-only (the tests run as root), the node as a process.
/// </summary>
public sealed class ReadOnlyBootTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Boot_DatabaseOnReadOnlyFilesystem_Exit74NamingThePath_FilesUnchanged_NothingMovedAside()
    {
        using var fs = Tmpfs.Mount(64L * 1024 * 1024);
        var db = fs.File("edgenode.db");
        var environment = NodeEnvironment.For("it-readonly", FreePort.Next(), db);
        await using (var node = NodeProcess.Start(_dir.Path, environment))
        {
            await node.WaitForOutputAsync("Pipeline started", Startup);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (ResultRows.Read(db).Count < 5)
            {
                Assert.False(node.HasExited, node.Output);
                Assert.True(DateTime.UtcNow < deadline, "no results stored without a broker:\n" + node.Output);
                await Task.Delay(500);
            }

            // Killed: the backlog stays in the database and its WAL, as after a crash or a power cut.
            await node.KillAsync();
        }

        fs.MakeReadOnly();
        var before = Snapshot(fs.Path);

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, environment, Startup);

        Assert.True(code == 74, $"exit {code}, expected 74 (EX_IOERR):\n{output}");
        Assert.Contains($"Database {db} cannot be opened", output, StringComparison.Ordinal);
        Assert.Contains("read-only", output, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(fs.Path));
        Assert.DoesNotContain(before.Keys, name => name.Contains(".corrupt-", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string> Snapshot(string directory) => Directory.GetFiles(directory)
        .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
