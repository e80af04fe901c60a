using System.Diagnostics;
using System.Text;

namespace EdgeNode.Testing;

/// <summary>The node as a real process (<c>dotnet edgenode.dll</c>), in its own working directory.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _disposed;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process, string workingDirectory)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The node's working directory (its <c>./data</c> lives here unless configured otherwise).</summary>
    public string WorkingDirectory { get; }

    /// <summary>Process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node printed (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>edgenode</c> with <paramref name="arguments"/> and environment <paramref name="environment"/>
    /// (configuration keys as <c>EdgeNode__Mqtt__Port</c> etc.) in <paramref name="workingDirectory"/>.
    /// </summary>
    public static NodeProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        if (!File.Exists(RepoPaths.NodeDll))
        {
            throw new InvalidOperationException($"The node is not built: {RepoPaths.NodeDll} is missing (dotnet build EdgeNode.sln).");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.NodeDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        // Many nodes run at once in the tests: none takes the web page's fixed port unless a test asks for the page.
        info.Environment["EdgeNode__Web__Enabled"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new NodeProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), workingDirectory);
    }

    /// <summary>Runs <c>edgenode</c> to completion (for CLI verbs) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var node = Start(workingDirectory, environment, arguments);
        var code = await node.WaitForExitAsync(timeout);
        return (code, node.Output);
    }

    /// <summary>Sends SIGTERM (a clean stop).</summary>
    public void Terminate() => Posix.Signal(_process.Id, Posix.SigTerm);

    /// <summary>Sends SIGKILL (a crash) and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            Posix.Signal(_process.Id, Posix.SigKill);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for exit; throws <see cref="TimeoutException"/> (and kills the node) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The node did not exit within {timeout}. Output:\n{Output}");
        }

        // Let the asynchronous output readers flush.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The node never printed '{text}'. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: a test that disposed a killed node and failed before starting the next one must show its own error, not this.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
