using System.Globalization;
using EdgeNode.Health;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeNode.Hosting;

/// <summary>
/// Sends <c>WATCHDOG=1</c> to systemd every half <c>WatchdogSec</c> while the node runs. <c>AddSystemd()</c>
/// sends only <c>READY=1</c> and <c>STOPPING=1</c>; without this a unit with <c>WatchdogSec=</c> would be killed.
/// systemd sets <c>WATCHDOG_USEC</c> (and <c>WATCHDOG_PID</c>) only when the unit asks for a watchdog, so
/// anywhere else this service does nothing. A ping proves the process and its timer/thread pool are alive; it is
/// withheld while a liveness health check (a stalled pipeline) is unhealthy, so systemd restarts a stuck node.
/// </summary>
internal sealed class SystemdWatchdogService(
    IConfiguration configuration,
    HealthState health,
    TimeProvider time,
    ILogger<SystemdWatchdogService> logger,
    ISystemdNotifier? notifier = null) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = PingInterval(configuration["WATCHDOG_USEC"], configuration["WATCHDOG_PID"], Environment.ProcessId);
        // Outside systemd AddSystemd() registers no notifier; NOTIFY_SOCKET still names systemd's socket.
        var target = notifier ?? new SystemdNotifier();
        if (interval is not { } period || !target.IsEnabled)
        {
            return;
        }

        NodeLog.WatchdogPinging(logger, period.TotalSeconds);
        using var timer = new PeriodicTimer(period, time);
        var withheld = false;
        do
        {
            if (health.LivenessFailed)
            {
                if (!withheld)
                {
                    NodeLog.WatchdogWithheld(logger, string.Join(", ", health.Failing));
                    withheld = true;
                }

                continue;
            }

            withheld = false;
            target.Notify(Watchdog);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Half the watchdog timeout, or null when there is none or it is meant for another process.</summary>
    private static TimeSpan? PingInterval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid) && watchdogPid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec / 2);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
