using System.Globalization;

namespace EdgeNode.Devices.Board;

/// <summary>
/// Reads CPU load (<c>/proc/stat</c>, as a delta between calls), the load average (<c>/proc/loadavg</c>), memory
/// (<c>/proc/meminfo</c>) and the SoC's temperature and throttling (<see cref="SocThermal"/>) under an injectable
/// file-system root, so tests run the parser on prepared files. Thread-safe.
/// </summary>
public sealed class SystemStatsReader(string fileSystemRoot)
{
    private readonly SocThermal _soc = new(fileSystemRoot);
    private readonly Lock _gate = new();
    private (long Busy, long Total)? _previous;

    /// <summary>Takes one snapshot; missing or unreadable files give nulls, never an exception.</summary>
    public async Task<SystemSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var cpu = CpuPercent(await ReadAsync("proc/stat", cancellationToken));
        var load = ParseLoadAverage(await ReadAsync("proc/loadavg", cancellationToken));
        var (total, available) = ParseMemory(await ReadAsync("proc/meminfo", cancellationToken));
        var headline = SocThermal.Headline(await _soc.ReadZonesAsync(cancellationToken));
        var throttled = await _soc.ReadThrottledFlagsAsync(cancellationToken);
        return new SystemSnapshot(cpu, load, total, available, Environment.WorkingSet, headline?.Celsius, throttled);
    }

    /// <summary>The first line of <c>/proc/stat</c> as (busy, total) jiffies; null when it does not parse.</summary>
    internal static (long Busy, long Total)? ParseCpuLine(string? stat)
    {
        if (stat is null || !stat.StartsWith("cpu ", StringComparison.Ordinal))
        {
            return null;
        }

        var end = stat.IndexOf('\n', StringComparison.Ordinal);
        var fields = stat[4..(end < 0 ? stat.Length : end)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4)
        {
            return null;
        }

        // user nice system idle iowait irq softirq steal (guest and guest_nice are already in user and nice).
        long total = 0, idle = 0;
        for (var i = 0; i < Math.Min(fields.Length, 8); i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            total += value;
            if (i is 3 or 4)
            {
                idle += value;
            }
        }

        return (total - idle, total);
    }

    /// <summary>The one-minute load average from <c>/proc/loadavg</c>.</summary>
    internal static double? ParseLoadAverage(string? loadavg)
    {
        var first = loadavg?.Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary><c>MemTotal</c> and <c>MemAvailable</c> from <c>/proc/meminfo</c>, in bytes.</summary>
    internal static (long? Total, long? Available) ParseMemory(string? meminfo)
    {
        long? total = null, available = null;
        foreach (var line in (meminfo ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return (total, available);
    }

    private double? CpuPercent(string? stat)
    {
        if (ParseCpuLine(stat) is not { } now)
        {
            return null;
        }

        lock (_gate)
        {
            var previous = _previous;
            _previous = now;
            if (previous is not { } before || now.Total <= before.Total)
            {
                return null;
            }

            return Math.Clamp(100.0 * (now.Busy - before.Busy) / (now.Total - before.Total), 0, 100);
        }
    }

    private static long? Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    private async Task<string?> ReadAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(Path.Combine(fileSystemRoot, relative), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
