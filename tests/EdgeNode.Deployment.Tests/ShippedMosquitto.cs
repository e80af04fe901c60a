using System.Diagnostics;
using System.Globalization;
using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// mosquitto running one of the shipped configurations in <c>deploy/mosquitto</c> with <c>edgenode.acl</c>: its
/// <c>/mosquitto/config/</c> and <c>/mosquitto/data/</c> paths moved into a scratch folder and its listener to a free
/// loopback port; everything else as shipped.
/// </summary>
internal sealed class ShippedMosquitto : IAsyncDisposable
{
    private readonly Process _process;

    private ShippedMosquitto(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The port as mosquitto clients take it.</summary>
    public string PortText => Port.ToString(CultureInfo.InvariantCulture);

    /// <param name="dir">Scratch folder for the configuration, the ACL and the data.</param>
    /// <param name="configFile">File name in <c>deploy/mosquitto</c>.</param>
    /// <param name="listener">The shipped listener line, e.g. <c>listener 8883</c>.</param>
    /// <param name="paths">Further path rewrites, applied first (more specific than the config folder).</param>
    public static async Task<ShippedMosquitto> StartAsync(TempDirectory dir, string configFile, string listener, params (string Shipped, string Here)[] paths)
    {
        var shipped = Path.Combine(RepoPaths.Root, "deploy", "mosquitto");
        File.Copy(Path.Combine(shipped, "edgenode.acl"), dir.File("edgenode.acl"));
        Directory.CreateDirectory(dir.File("data"));
        var port = FreePort.Next();
        var config = await File.ReadAllTextAsync(Path.Combine(shipped, configFile));
        foreach (var (from, to) in paths)
        {
            config = config.Replace(from, to, StringComparison.Ordinal);
        }

        config = config
            .Replace("/mosquitto/config/", dir.Path + "/", StringComparison.Ordinal)
            .Replace("/mosquitto/data/", dir.File("data") + "/", StringComparison.Ordinal)
            .Replace(listener, $"listener {port} 127.0.0.1", StringComparison.Ordinal);
        Assert.Contains($"listener {port} 127.0.0.1", config, StringComparison.Ordinal);
        if (Environment.UserName == "root")
        {
            config += "\nuser root\n"; // root-started mosquitto drops to the mosquitto user, which cannot read the scratch folder
        }

        await File.WriteAllTextAsync(dir.File("mosquitto.conf"), config);
        var process = Process.Start(new ProcessStartInfo(MosquittoBroker.Executable, ["-c", dir.File("mosquitto.conf")]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
        var broker = new ShippedMosquitto(process, port);
        try
        {
            await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(10));
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }

        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
