using EdgeNode.Testing;

namespace EdgeNode.Web.Tests;

/// <summary>Start-up checks of <c>EdgeNode:Web</c> (exit 78 naming the key) and the <c>edgenode web passwd</c> verb.</summary>
public sealed class StartupTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task Run_NonLoopbackWithoutPassword_Exit78NamingTheKey(string urls)
    {
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, Environment(urls), Exit);
        Assert.True(code == 78, output);
        Assert.Contains("EdgeNode__Web__PasswordFile", output, StringComparison.Ordinal);
        Assert.Contains("EdgeNode__Web__Urls", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Web page at", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PasswordFileThatIsNotOne_Exit78NamingTheKey()
    {
        await File.WriteAllTextAsync(_dir.File("bad.passwd"), "hunter2\n");
        var environment = Environment("http://127.0.0.1:0");
        environment["EdgeNode__Web__PasswordFile"] = _dir.File("bad.passwd");
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, environment, Exit);
        Assert.True(code == 78, output);
        Assert.Contains("EdgeNode__Web__PasswordFile", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebPasswd_PasswordOnStdin_WritesAnOwnerOnlyPbkdf2Hash()
    {
        var file = _dir.File(Path.Combine("etc", "web.passwd"));
        var (code, output) = await WebNode.PasswdAsync(_dir.Path, "a long enough password", file);
        Assert.True(code == 0, output);
        var line = (await File.ReadAllTextAsync(file)).Trim();
        Assert.Matches(@"^pbkdf2-sha256\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$", line);
        Assert.DoesNotContain("a long enough password", line, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task WebPasswd_ShortPassword_Exit64AndNoFile()
    {
        var file = _dir.File("short.passwd");
        var (code, output) = await WebNode.PasswdAsync(_dir.Path, "short", file);
        Assert.True(code == 64, output);
        Assert.False(File.Exists(file));
    }

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string> Environment(string urls) => new()
    {
        ["EdgeNode__Mqtt__EmbeddedBroker"] = "true",
        ["EdgeNode__Mqtt__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EdgeNode__Storage__Path"] = _dir.File("edgenode.db"),
        ["EdgeNode__Inference__Providers__0"] = "CPU",
        ["EdgeNode__Web__Enabled"] = "true",
        ["EdgeNode__Web__Urls"] = urls,
    };
}
