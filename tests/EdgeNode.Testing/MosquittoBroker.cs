using System.Diagnostics;
using System.Text;

namespace EdgeNode.Testing;

/// <summary>
/// A real mosquitto on a free loopback port, with its own config and no persistence. Can be stopped and
/// started again on the same port to simulate an outage.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];
    private readonly TempDirectory _directory = new();
    private readonly StringBuilder _log = new();
    private Process? _process;

    private MosquittoBroker(int port, string extraConfig)
    {
        Port = port;
        ConfigPath = _directory.File("mosquitto.conf");
        var runAsRoot = Environment.UserName == "root" ? "user root\n" : string.Empty;
        File.WriteAllText(ConfigPath, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n{runAsRoot}{extraConfig}\n");
    }

    /// <summary>Path of mosquitto's executable (Debian: /usr/sbin/mosquitto).</summary>
    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto); .ci/run installs it.");

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its configuration file.</summary>
    public string ConfigPath { get; }

    /// <summary>What mosquitto printed.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a broker on a free port.</summary>
    public static async Task<MosquittoBroker> StartAsync(string extraConfig = "")
    {
        var broker = new MosquittoBroker(FreePort.Next(), extraConfig);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Creates a broker on a free port without starting it (for "broker comes later" tests).</summary>
    public static MosquittoBroker CreateStopped(string extraConfig = "") => new(FreePort.Next(), extraConfig);

    /// <summary>(Re)starts the broker on the same port.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        var info = new ProcessStartInfo(Executable, ["-c", ConfigPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        try
        {
            await FreePort.WaitListeningAsync(Port, TimeSpan.FromSeconds(10));
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InvalidOperationException($"mosquitto did not listen on {Port}: {Log}", ex);
        }
    }

    /// <summary>Sends SIGHUP: mosquitto reloads its configuration, ACL and password files and keeps its clients.</summary>
    public void Reload()
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("mosquitto is not running");
        }

        Posix.Signal(process.Id, Posix.SigHup);
    }

    /// <summary>Stops the broker (SIGKILL: an outage, not a clean shutdown).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _directory.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
