using System.Globalization;
using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// scripts/deploy.sh against a stand-in board (a private sshd on 127.0.0.1 with a throw-away user and key)
/// and a real mosquitto as the site broker: install, upgrade with a second unreachable board in parallel,
/// a release that cannot start rolled back automatically, and an explicit --rollback.
/// </summary>
public sealed class DeployScriptTests
{
    private static readonly TimeSpan DeployTimeout = TimeSpan.FromMinutes(10);
    private static readonly string X64Publish = Path.Combine(RepoPaths.Root, "artifacts", "publish", "linux-x64");

    [Fact]
    public async Task Deploy_InstallUpgradeFailureRollback_NodeOnlineOnExpectedRelease()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var board = await SshBoard.StartAsync();
        using var temp = new TempDirectory();
        var env = temp.File("site.env");
        await File.WriteAllTextAsync(env, string.Create(CultureInfo.InvariantCulture, $"""
            # site settings
            EdgeNode__Mqtt__Host=127.0.0.1
            EdgeNode__Mqtt__Port={broker.Port}
            EdgeNode__Mqtt__EmbeddedBroker=false
            EdgeNode__Camera__FramesPerSecond=1
            EdgeNode__Inference__Providers__0=CPU

            """));
        string[] common = [.. board.DeployOptions, "--mqtt-host", "127.0.0.1", "--mqtt-port", Port(broker.Port), "--timeout", "180"];

        // 1. Install: deploy.sh publishes linux-x64 itself (the board says x86_64), copies and starts it.
        var install = await DeployAsync([.. common, "--env", env, "--version", "v1", "node-a=" + board.Target]);
        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Matches(@"OK\s+node-a .*v1 \(linux-x64\) online", install.Stdout);
        Assert.Equal("v1", board.ReadLink("current"));
        Assert.Equal("online", await RetainedStatusAsync(broker.Port, "node-a"));
        Assert.Contains("EdgeNode__NodeId=node-a", await File.ReadAllTextAsync(Path.Combine(board.Prefix, "releases", "v1", "edgenode.env")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(board.State, "edgenode.db")), "the node's database is in the state folder");

        // 2. Upgrade, two boards at once from an inventory; node-b's port is closed: its own result, node-a unaffected.
        var inventory = temp.File("boards.txt");
        await File.WriteAllTextAsync(inventory, $"# node target rid\nnode-a {board.Target} linux-x64\nnode-b {board.User}@127.0.0.1:{Port(FreePort.Next())} linux-x64\n");
        var upgrade = await DeployAsync([.. common, "--env", env, "--version", "v2", "--publish-dir", "linux-x64=" + X64Publish, "--parallel", "2", "--inventory", inventory]);
        Assert.Equal(1, upgrade.ExitCode);
        Assert.Matches(@"OK\s+node-a .*v2 \(linux-x64\) online", upgrade.Stdout);
        Assert.Matches(@"FAILED\s+node-b ", upgrade.Stdout);
        Assert.Equal("v2", board.ReadLink("current"));
        Assert.Equal("v1", board.ReadLink("previous"));
        Assert.Equal("online", await RetainedStatusAsync(broker.Port, "node-a"));

        // 3. A release that cannot start (invalid configuration: exit 78) is rolled back to v2.
        var bad = temp.File("bad.env");
        await File.WriteAllTextAsync(bad, (await File.ReadAllTextAsync(env)) + "EdgeNode__Mqtt__Port=0\n");
        var failed = await DeployAsync([.. common, "--env", bad, "--version", "v3", "--publish-dir", "linux-x64=" + X64Publish, "node-a=" + board.Target]);
        Assert.Equal(1, failed.ExitCode);
        Assert.Matches(@"ROLLBACK\s+node-a .*v3 .*rolled back to v2, online", failed.Stdout);
        Assert.Equal("v2", board.ReadLink("current"));
        Assert.Equal("v1", board.ReadLink("previous"));
        Assert.Equal("online", await RetainedStatusAsync(broker.Port, "node-a"));
        Assert.Contains("EdgeNode:Mqtt:Port", await File.ReadAllTextAsync(Path.Combine(board.State, "edgenode.log")), StringComparison.Ordinal);

        // 4. --rollback by hand returns to v1; with nothing older left, another one is refused.
        var manual = await DeployAsync([.. common, "--rollback", "node-a=" + board.Target]);
        Assert.True(manual.ExitCode == 0, manual.Output);
        Assert.Matches(@"OK\s+node-a .*rolled back to v1, online", manual.Stdout);
        Assert.Equal("v1", board.ReadLink("current"));
        Assert.Equal("online", await RetainedStatusAsync(broker.Port, "node-a"));

        var none = await DeployAsync([.. common, "--rollback", "node-a=" + board.Target]);
        Assert.Equal(1, none.ExitCode);
        Assert.Matches(@"FAILED\s+node-a .*rollback refused", none.Stdout);
        Assert.Equal("v1", board.ReadLink("current"));
    }

    [Fact]
    public async Task Deploy_DryRun_PrintsPlanAndTouchesNothing()
    {
        using var temp = new TempDirectory();
        var closedPort = Port(FreePort.Next());

        var result = await DeployAsync(["--dry-run", "--prefix", temp.File("opt"), "--publish-dir", "linux-arm64=" + temp.Path,
            "--version", "v9", "--parallel", "2", "pi-1=pi@127.0.0.1:" + closedPort + ",linux-arm64", "pi-2=pi@127.0.0.1:" + closedPort]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(@"DRY-RUN\s+pi-1 .*would install v9 \(linux-arm64\)", result.Stdout);
        Assert.Matches(@"DRY-RUN\s+pi-2 ", result.Stdout);
        Assert.Contains("[dry-run] rsync", result.Stderr, StringComparison.Ordinal);
        // The remote command is printed shell-quoted (%q): "activate\ v9".
        Assert.Matches(@"edgenode-release\.sh.*activate\\? v9", result.Stderr);
        Assert.False(Directory.Exists(temp.File("opt")));
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("--parallel", "0", "node-a=u@127.0.0.1")]
    [InlineData("bad/id=u@127.0.0.1")]
    [InlineData("--service", "docker", "node-a=u@127.0.0.1")]
    public async Task Deploy_BadArguments_ExitUsage(params string[] arguments)
    {
        var result = await DeployAsync(["--dry-run", .. arguments]);

        Assert.Equal(64, result.ExitCode);
    }

    private static Task<ScriptResult> DeployAsync(string[] arguments) =>
        Script.RunAsync(Script.Path("deploy.sh"), arguments, DeployTimeout);

    private static async Task<string> RetainedStatusAsync(int port, string node)
    {
        var sub = Tool.Require("mosquitto_sub", "mosquitto-clients");
        var result = await Script.RunAsync(sub, ["-h", "127.0.0.1", "-p", Port(port), "-t", $"edgenode/{node}/status", "-C", "1", "-W", "5"], TimeSpan.FromSeconds(30));
        return result.Stdout.Trim();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
