using System.Globalization;
using EdgeNode.Core;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// SoC temperature and throttling from <c>/sys</c>, under an injectable root:
/// thermal zones (<c>/sys/class/thermal/thermal_zone*/temp</c> and <c>type</c>, or the
/// <c>/sys/devices/virtual/thermal</c> copies on Jetson), the Raspberry Pi firmware's
/// <c>get_throttled</c> flags, and the current CPU clock.
/// </summary>
internal sealed class SocSensor : ISensor
{
    private static readonly string[] ZoneFolders = ["sys/class/thermal", "sys/devices/virtual/thermal"];
    private const string ThrottledFile = "sys/devices/platform/soc/soc:firmware/get_throttled";
    private const string CpuFrequencyFile = "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq";

    private readonly string _root;
    private readonly TimeProvider _timeProvider;

    public SocSensor(string name, TimeSpan period, string fileSystemRoot, TimeProvider timeProvider)
    {
        Name = name;
        Period = period;
        _root = fileSystemRoot;
        _timeProvider = timeProvider;
    }

    public string Name { get; }

    public TimeSpan Period { get; }

    public async ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var zones = await ReadZonesAsync(cancellationToken);
        if (zones.Count == 0)
        {
            throw new IOException($"Sensor '{Name}': no readable thermal zone under {Path.Combine(_root, ZoneFolders[0])}.");
        }

        var readings = new List<SensorReading>(zones.Count + 4);

        // The headline temperature is the CPU's: Jetson boards have zones (PMIC-Die) that report a constant 100 °C.
        var cpu = zones.Find(z => z.Type.Contains("cpu", StringComparison.OrdinalIgnoreCase));
        readings.Add(new SensorReading(Name, "temperature", (cpu.Type is null ? zones[0] : cpu).Celsius, "°C", now));
        if (zones.Count > 1)
        {
            foreach (var zone in zones)
            {
                readings.Add(new SensorReading(Name, "temperature_" + Slug(zone.Type), zone.Celsius, "°C", now));
            }
        }

        if (await ReadTextAsync(ThrottledFile, cancellationToken) is { } throttledText
            && long.TryParse(throttledText.Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags))
        {
            // Bits 0–3 are the current state: under-voltage, frequency capped, throttled, soft temperature limit.
            readings.Add(new SensorReading(Name, "throttled_flags", flags, string.Empty, now));
            readings.Add(new SensorReading(Name, "under_voltage", flags & 0x1, string.Empty, now));
            readings.Add(new SensorReading(Name, "throttled", (flags & 0xE) != 0 ? 1 : 0, string.Empty, now));
        }

        if (await ReadTextAsync(CpuFrequencyFile, cancellationToken) is { } frequencyText
            && long.TryParse(frequencyText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kilohertz))
        {
            readings.Add(new SensorReading(Name, "cpu_frequency", kilohertz / 1000.0, "MHz", now));
        }

        return readings;
    }

    private async Task<List<(string Type, double Celsius)>> ReadZonesAsync(CancellationToken cancellationToken)
    {
        var zones = new List<(string Type, double Celsius)>();
        foreach (var folder in ZoneFolders)
        {
            var full = Path.Combine(_root, folder);
            if (!Directory.Exists(full))
            {
                continue;
            }

            var zoneDirectories = Directory.GetDirectories(full, "thermal_zone*");
            Array.Sort(zoneDirectories, (a, b) => ZoneNumber(a).CompareTo(ZoneNumber(b)));
            foreach (var zone in zoneDirectories)
            {
                var relative = Path.GetRelativePath(_root, zone);
                var temp = await ReadTextAsync(Path.Combine(relative, "temp"), cancellationToken);
                if (temp is null || !long.TryParse(temp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                {
                    continue; // some Jetson zones answer EIO or are switched off
                }

                var type = await ReadTextAsync(Path.Combine(relative, "type"), cancellationToken) ?? Path.GetFileName(zone);
                zones.Add((type, milli / 1000.0));
            }

            if (zones.Count > 0)
            {
                break; // the second folder only repeats the first where both exist
            }
        }

        return zones;
    }

    private async Task<string?> ReadTextAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(Path.Combine(_root, relative), cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ZoneNumber(string path) =>
        int.TryParse(Path.GetFileName(path).AsSpan("thermal_zone".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    private static string Slug(string type)
    {
        Span<char> buffer = stackalloc char[Math.Min(type.Length, 64)];
        for (var i = 0; i < buffer.Length; i++)
        {
            var c = char.ToLowerInvariant(type[i]);
            buffer[i] = char.IsAsciiLetterOrDigit(c) ? c : '_';
        }

        return new string(buffer);
    }
}
