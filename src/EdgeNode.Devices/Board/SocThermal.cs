using System.Globalization;

namespace EdgeNode.Devices.Board;

/// <summary>
/// Reads the SoC's thermal zones (<c>/sys/class/thermal/thermal_zone*/temp</c> and <c>type</c>, or the
/// <c>/sys/devices/virtual/thermal</c> copies on Jetson), the Raspberry Pi firmware's <c>get_throttled</c> flags and
/// the current CPU clock, under an injectable file-system root. Missing files read as null: not every board has them.
/// </summary>
public sealed class SocThermal(string fileSystemRoot)
{
    private static readonly string[] ZoneFolders = ["sys/class/thermal", "sys/devices/virtual/thermal"];
    private const string ThrottledFile = "sys/devices/platform/soc/soc:firmware/get_throttled";
    private const string CpuFrequencyFile = "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq";

    /// <summary>The folder that holds the thermal zones (for error messages).</summary>
    public string ZoneFolder => Path.Combine(fileSystemRoot, ZoneFolders[0]);

    /// <summary>Every readable thermal zone, in zone order.</summary>
    public async Task<IReadOnlyList<ThermalZone>> ReadZonesAsync(CancellationToken cancellationToken)
    {
        var zones = new List<ThermalZone>();
        foreach (var folder in ZoneFolders)
        {
            var full = Path.Combine(fileSystemRoot, folder);
            if (!Directory.Exists(full))
            {
                continue;
            }

            var zoneDirectories = Directory.GetDirectories(full, "thermal_zone*");
            Array.Sort(zoneDirectories, (a, b) => ZoneNumber(a).CompareTo(ZoneNumber(b)));
            foreach (var zone in zoneDirectories)
            {
                var relative = Path.GetRelativePath(fileSystemRoot, zone);
                var temp = await ReadTextAsync(Path.Combine(relative, "temp"), cancellationToken);
                if (temp is null || !long.TryParse(temp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                {
                    continue; // some Jetson zones answer EIO or are switched off
                }

                var type = await ReadTextAsync(Path.Combine(relative, "type"), cancellationToken) ?? Path.GetFileName(zone);
                zones.Add(new ThermalZone(type, milli / 1000.0));
            }

            if (zones.Count > 0)
            {
                break; // the second folder only repeats the first where both exist
            }
        }

        return zones;
    }

    /// <summary>
    /// The headline SoC temperature: the CPU zone's, else the first zone's (Jetson boards have zones such as
    /// PMIC-Die that report a constant 100 °C); null without thermal zones.
    /// </summary>
    public static ThermalZone? Headline(IReadOnlyList<ThermalZone> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        foreach (var zone in zones)
        {
            if (zone.Type.Contains("cpu", StringComparison.OrdinalIgnoreCase))
            {
                return zone;
            }
        }

        return zones.Count > 0 ? zones[0] : null;
    }

    /// <summary>The Raspberry Pi firmware's throttling flags (bits 0–3 now, 16–19 since boot); null elsewhere.</summary>
    public async Task<long?> ReadThrottledFlagsAsync(CancellationToken cancellationToken) =>
        await ReadTextAsync(ThrottledFile, cancellationToken) is { } text
        && long.TryParse(text.Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
            ? flags
            : null;

    /// <summary>Bits 1–3 of <c>get_throttled</c>: frequency capped, throttled, soft temperature limit — now.</summary>
    public static bool IsThrottled(long flags) => (flags & 0xE) != 0;

    /// <summary>The current clock of CPU 0 in MHz; null where cpufreq is absent.</summary>
    public async Task<double?> ReadCpuFrequencyMhzAsync(CancellationToken cancellationToken) =>
        await ReadTextAsync(CpuFrequencyFile, cancellationToken) is { } text
        && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kilohertz)
            ? kilohertz / 1000.0
            : null;

    private async Task<string?> ReadTextAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(Path.Combine(fileSystemRoot, relative), cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ZoneNumber(string path) =>
        int.TryParse(Path.GetFileName(path).AsSpan("thermal_zone".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
