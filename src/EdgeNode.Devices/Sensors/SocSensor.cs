using EdgeNode.Core;
using EdgeNode.Devices.Board;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// SoC temperature and throttling from <c>/sys</c> (see <see cref="SocThermal"/>) as sensor readings:
/// the headline temperature, each zone's when there are several, the throttling flags and the CPU clock.
/// </summary>
internal sealed class SocSensor : ISensor
{
    private readonly SocThermal _soc;
    private readonly TimeProvider _timeProvider;

    public SocSensor(string name, TimeSpan period, string fileSystemRoot, TimeProvider timeProvider)
    {
        Name = name;
        Period = period;
        _soc = new SocThermal(fileSystemRoot);
        _timeProvider = timeProvider;
    }

    public string Name { get; }

    public TimeSpan Period { get; }

    public async ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var zones = await _soc.ReadZonesAsync(cancellationToken);
        if (SocThermal.Headline(zones) is not { } headline)
        {
            throw new IOException($"Sensor '{Name}': no readable thermal zone under {_soc.ZoneFolder}.");
        }

        var readings = new List<SensorReading>(zones.Count + 4) { new(Name, "temperature", headline.Celsius, "°C", now) };
        if (zones.Count > 1)
        {
            foreach (var zone in zones)
            {
                readings.Add(new SensorReading(Name, "temperature_" + Slug(zone.Type), zone.Celsius, "°C", now));
            }
        }

        if (await _soc.ReadThrottledFlagsAsync(cancellationToken) is { } flags)
        {
            // Bits 0–3 are the current state: under-voltage, frequency capped, throttled, soft temperature limit.
            readings.Add(new SensorReading(Name, "throttled_flags", flags, string.Empty, now));
            readings.Add(new SensorReading(Name, "under_voltage", flags & 0x1, string.Empty, now));
            readings.Add(new SensorReading(Name, "throttled", SocThermal.IsThrottled(flags) ? 1 : 0, string.Empty, now));
        }

        if (await _soc.ReadCpuFrequencyMhzAsync(cancellationToken) is { } megahertz)
        {
            readings.Add(new SensorReading(Name, "cpu_frequency", megahertz, "MHz", now));
        }

        return readings;
    }

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
