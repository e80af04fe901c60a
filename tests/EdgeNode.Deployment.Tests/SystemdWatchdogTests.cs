using System.Globalization;
using System.Net.Sockets;
using System.Text;
using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// The unit's WatchdogSec= relies on the node sending WATCHDOG=1: the node runs as a process with the
/// environment systemd gives a watchdog-enabled notify service (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID)
/// and the test plays systemd's notify socket.
/// </summary>
public sealed class SystemdWatchdogTests
{
    [Fact]
    public async Task Node_WatchdogUsecSet_SendsWatchdogPingsToNotifySocket()
    {
        using var temp = new TempDirectory();
        using var socket = NotifySocket(temp);
        var environment = WatchdogEnvironment(temp, "watchdog");
        environment["EdgeNode__Camera__FramesPerSecond"] = "1";
        await using var node = NodeProcess.Start(temp.Path, environment);

        var pings = 0;
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (pings < 2)
        {
            int received;
            try
            {
                received = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{pings} watchdog pings within 2 minutes; node output:\n{node.Output}");
                throw;
            }

            if (Encoding.ASCII.GetString(buffer, 0, received).Contains("WATCHDOG=1", StringComparison.Ordinal))
            {
                pings++;
            }
        }

        Assert.False(node.HasExited, node.Output);
    }

    [Fact]
    public async Task Node_PipelineStalls_WatchdogPingsWithheldSoSystemdRestartsIt()
    {
        using var temp = new TempDirectory();
        using var socket = NotifySocket(temp);
        var environment = WatchdogEnvironment(temp, "stalled");
        // A camera process that never writes a frame: the pipeline stalls while the process stays alive.
        environment["EdgeNode__Camera__Source"] = "process:sleep 600";
        environment["EdgeNode__Health__StallSeconds"] = "5";
        environment["EdgeNode__Health__PeriodSeconds"] = "1";
        await using var node = NodeProcess.Start(temp.Path, environment);

        // Play systemd: keep reading (an unread datagram socket would block the node's notifier).
        var pings = new System.Collections.Concurrent.ConcurrentQueue<DateTime>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (!stop.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (Encoding.ASCII.GetString(buffer, 0, received).Contains("WATCHDOG=1", StringComparison.Ordinal))
                {
                    pings.Enqueue(DateTime.UtcNow);
                }
            }
        });

        await node.WaitForOutputAsync("pings withheld", TimeSpan.FromMinutes(2));
        var withheldAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);

        Assert.NotEmpty(pings); // healthy at first
        // At most one ping may have been in flight when the report turned unhealthy; then three quiet seconds,
        // in which systemd (WatchdogSec=1) would have restarted the node.
        Assert.True(pings.Count(t => t > withheldAt) <= 1, $"{pings.Count(t => t > withheldAt)} pings after they were withheld:\n{node.Output}");
        Assert.Contains("pipeline", node.Output, StringComparison.Ordinal);
        Assert.False(node.HasExited, node.Output);
    }

    /// <summary>systemd's notify socket, played by the test: a bound datagram socket in <paramref name="temp"/>.</summary>
    private static Socket NotifySocket(TempDirectory temp)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(temp.File("notify.sock")));
        return socket;
    }

    /// <summary>What systemd gives a notify service with WatchdogSec=1, plus a private node id, port and database.</summary>
    private static Dictionary<string, string> WatchdogEnvironment(TempDirectory temp, string nodeId) => new()
    {
        ["NOTIFY_SOCKET"] = temp.File("notify.sock"),
        ["WATCHDOG_USEC"] = "1000000",
        ["EdgeNode__NodeId"] = nodeId,
        ["EdgeNode__Mqtt__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["EdgeNode__Storage__Path"] = temp.File("edgenode.db"),
    };
}
