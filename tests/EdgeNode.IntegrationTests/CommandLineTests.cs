using System.Diagnostics;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// <c>edgenode</c>'s command line as a process: <c>--help</c> on every verb, usage errors (64), <c>--version</c>, and
/// the usage block of README.md, which must be what <c>--help</c> prints.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    private static readonly string[] VerbNames =
        ["", "run", "results", "compress", "bench", "learn", "simulate-fleet", "model", "model keygen", "model sign", "model verify", "version", "help"];

    public static TheoryData<string> Verbs { get; } = new(VerbNames);

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Help_EveryVerb_PrintsUsageOnStdoutAndExitsZero(string verb)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = await RunAsync([.. Words(verb), flag]);

            Assert.Equal(0, code);
            Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
            Assert.Contains(("edgenode " + verb).Trim(), stdout, StringComparison.Ordinal);
            Assert.Empty(stderr);
        }

        AssertNodeNeverStarted();
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task UnknownFlag_EveryVerb_ExitsSixtyFourWithOneMessage(string verb)
    {
        if (verb is "" or "run")
        {
            return; // Unknown words there are configuration (--Key=Value), tested below.
        }

        var (code, stdout, stderr) = await RunAsync([.. Words(verb), "--bogus"]);

        Assert.Equal(64, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"edgenode {verb}: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"Try 'edgenode {verb} --help'.", stderr, StringComparison.Ordinal);
        Assert.Equal(2, stderr.Trim().Split('\n').Length);
        AssertNodeNeverStarted();
    }

    [Fact]
    public async Task UnknownVerb_ExitsSixtyFourNamingIt()
    {
        var (code, stdout, stderr) = await RunAsync("frobnicate", "--json");

        Assert.Equal(64, code);
        Assert.Empty(stdout);
        Assert.Equal("edgenode: unknown verb 'frobnicate'.\nTry 'edgenode --help'.\n", stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
        AssertNodeNeverStarted();
    }

    [Fact]
    public async Task Version_FlagAndVerb_PrintTheSameAndExitZero()
    {
        var flag = await RunAsync("--version");
        var verb = await RunAsync("version");

        Assert.Equal(0, flag.Code);
        Assert.StartsWith("edgenode ", flag.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnxruntime", flag.Stdout, StringComparison.Ordinal);
        Assert.Equal(verb.Stdout, flag.Stdout);
        AssertNodeNeverStarted();
    }

    [Theory]
    [InlineData("--EdgeNode:Mqtt:Port=70000")]
    [InlineData("run", "--EdgeNode:Mqtt:Port=70000")]
    [InlineData("run", "--EdgeNode:Mqtt:Port", "70000")]
    public async Task ConfigurationArguments_ReachTheNode_InvalidOneExitsSeventyEight(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Mqtt:Port", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadmeUsageBlock_EqualsTheHelpOfEveryVerb()
    {
        var (code, stdout, _) = await RunAsync("--usage-markdown");
        Assert.Equal(0, code);
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"))).Replace("\r\n", "\n", StringComparison.Ordinal);
        var begin = readme.IndexOf("<!-- usage: generated", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- usage: end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has no generated usage block");

        // scripts/usage.sh rewrites the block; run it after changing a verb's flags or descriptions.
        Assert.Equal(stdout.Replace("\r\n", "\n", StringComparison.Ordinal), readme[begin..(end + "<!-- usage: end -->\n".Length)]);
        foreach (var verb in VerbNames.Where(v => v.Length > 0))
        {
            Assert.Contains($"$ edgenode {verb} --help\n", stdout, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _dir.Dispose();

    private static string[] Words(string verb) => verb.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private void AssertNodeNeverStarted() =>
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.NodeDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";

        // A node that starts by mistake must not reach a real broker or write the test's database elsewhere.
        info.Environment["EdgeNode__Mqtt__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["EdgeNode__Storage__Path"] = Path.Combine(_dir.Path, "data", "edgenode.db");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"edgenode {string.Join(' ', args)} did not exit in {Timeout.TotalSeconds} s (did it start the node?)");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
