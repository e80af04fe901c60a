using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EdgeNode.Testing;

namespace EdgeNode.Web.Tests;

/// <summary>
/// The node as a real process with its web page on a free loopback port (<c>EdgeNode__Web__Urls=http://127.0.0.1:0</c>),
/// a folder camera over frames made by ffmpeg, and the embedded broker on a free port.
/// </summary>
public sealed partial class WebNode : IAsyncDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir;

    private WebNode(TempDirectory dir, NodeProcess process, Uri url)
    {
        _dir = dir;
        Process = process;
        Url = url;
    }

    /// <summary>The node.</summary>
    public NodeProcess Process { get; }

    /// <summary>The page's address, from the node's "Web page at" log line.</summary>
    public Uri Url { get; }

    /// <summary>The node's database.</summary>
    public string Database => _dir.File("edgenode.db");

    /// <summary>The head store.</summary>
    public string Heads => _dir.File("heads");

    /// <summary>The run-time settings file.</summary>
    public string RuntimeSettings => _dir.File("runtime-settings.json");

    /// <summary>Starts a node; <paramref name="password"/> writes a password file with <c>edgenode web passwd</c> first.</summary>
    public static async Task<WebNode> StartAsync(string? password = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dir = new TempDirectory();
        try
        {
            var images = Directory.CreateDirectory(dir.File("images")).FullName;
            await MakeFramesAsync(images);
            var environment = new Dictionary<string, string>
            {
                ["EdgeNode__NodeId"] = "web-" + Guid.NewGuid().ToString("N")[..8],
                ["EdgeNode__Mqtt__EmbeddedBroker"] = "true",
                ["EdgeNode__Mqtt__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["EdgeNode__Storage__Path"] = dir.File("edgenode.db"),
                ["EdgeNode__Telemetry__IntervalSeconds"] = "1",
                ["EdgeNode__Inference__Providers__0"] = "CPU",
                ["EdgeNode__Camera__Source"] = "folder:" + images,
                ["EdgeNode__Camera__FramesPerSecond"] = "4",
                ["EdgeNode__Web__Enabled"] = "true",
                ["EdgeNode__Web__Urls"] = "http://127.0.0.1:0",
            };
            if (password is not null)
            {
                var file = dir.File("web.passwd");
                var (code, output) = await PasswdAsync(dir.Path, password, file);
                if (code != 0)
                {
                    throw new InvalidOperationException("edgenode web passwd failed: " + output);
                }

                environment["EdgeNode__Web__PasswordFile"] = file;
            }

            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                environment[key] = value;
            }

            var process = NodeProcess.Start(dir.Path, environment);
            await process.WaitForOutputAsync("Web page at ", Startup);
            var url = WebPageLine().Match(process.Output).Groups[1].Value;
            var node = new WebNode(dir, process, new Uri(url));
            await node.WaitForFirstFrameAsync();
            return node;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>edgenode web passwd --out FILE</c> with <paramref name="password"/> on standard input.</summary>
    public static async Task<(int ExitCode, string Output)> PasswdAsync(string workingDirectory, string password, string file)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(RepoPaths.NodeDll);
        foreach (var argument in new[] { "web", "passwd", "--out", file })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    /// <summary>A client with its own cookies.</summary>
    public HttpClient Client() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Terminate();
            try
            {
                await Process.WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // Killed by WaitForExitAsync.
            }
        }

        await Process.DisposeAsync();
        _dir.Dispose();
    }

    // Six frames of ffmpeg's moving test pattern: the folder camera loops over them, so the live image changes.
    private static async Task MakeFramesAsync(string directory)
    {
        var info = new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=2", "-frames:v", "6", "-q:v", "4", "-y", Path.Combine(directory, "frame%02d.jpg")]) { RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("ffmpeg could not make the camera frames: " + await process.StandardError.ReadToEndAsync());
        }
    }

    private async Task WaitForFirstFrameAsync()
    {
        using var client = new HttpClient { BaseAddress = Url };
        var deadline = DateTime.UtcNow + Startup;
        while (DateTime.UtcNow < deadline)
        {
            // Without a password the status answers; with one, 401 still shows the server is up, so wait for the log instead.
            if (Process.Output.Contains("Pipeline started", StringComparison.Ordinal) && (await client.GetAsync("api/session")).IsSuccessStatusCode)
            {
                await Task.Delay(1500);
                return;
            }

            if (Process.HasExited)
            {
                throw new InvalidOperationException("The node exited:\n" + Process.Output);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The node's pipeline never started:\n" + Process.Output);
    }

    [GeneratedRegex(@"Web page at (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex WebPageLine();
}
