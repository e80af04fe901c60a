using System.ComponentModel.DataAnnotations;
using System.Globalization;
using EdgeNode.Core;

namespace EdgeNode.Devices.Sensors;

/// <summary>Turns <see cref="SensorOptions"/> entries into <see cref="ISensor"/>s over an <see cref="IBoardHardware"/>.</summary>
public sealed class SensorFactory
{
    private readonly IBoardHardware _hardware;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the factory.</summary>
    /// <param name="hardware">I2C, GPIO and /sys access (<see cref="LinuxBoardHardware"/> on a board).</param>
    /// <param name="timeProvider">Clock for reading timestamps.</param>
    public SensorFactory(IBoardHardware hardware, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _hardware = hardware;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Creates one sensor. Nothing is opened yet: hardware is touched on the first read, so a missing chip
    /// shows up as failed reads (retried) rather than a failed start. Sensors that hold hardware implement
    /// <see cref="IDisposable"/>.
    /// </summary>
    /// <exception cref="ValidationException">The entry breaks a <see cref="SensorOptions"/> rule.</exception>
    /// <exception cref="ArgumentException">Unknown type, or a field the type needs is missing.</exception>
    public ISensor Create(SensorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new ValidationException($"Sensor '{options.Name}' ({SensorOptions.Section}): {string.Join("; ", results.Select(r => r.ErrorMessage))}");
        }

        var period = TimeSpan.FromSeconds(options.PeriodSeconds);
        var name = options.Name;
        return options.Type.Trim().ToLowerInvariant() switch
        {
            "bme280" => new Bmx280Sensor(name, period, _hardware, options.Bus, Address(options, 0x77), withHumidity: true, _timeProvider),
            "bmp280" => new Bmx280Sensor(name, period, _hardware, options.Bus, Address(options, 0x77), withHumidity: false, _timeProvider),
            "sht3x" or "sht31" => new Sht3xSensor(name, period, _hardware, options.Bus, Address(options, 0x44), _timeProvider),
            "ads1115" => new Ads1115Sensor(name, period, _hardware, options.Bus, Address(options, 0x48), options.Channel, _timeProvider),
            "dht22" => new Dht22Sensor(name, period, _hardware, options.Pin ?? throw new ArgumentException($"Sensor '{name}' of type dht22 needs a Pin.", nameof(options)), _timeProvider),
            "soc" => new SocSensor(name, period, _hardware.FileSystemRoot, _timeProvider),
            "simulated" => new SimulatedSensor(name, period, _timeProvider, new Random()),
            _ => throw new ArgumentException(
                $"Sensor '{name}' has unknown type '{options.Type}'. Use bme280, bmp280, sht3x, dht22, ads1115, soc or simulated.",
                nameof(options)),
        };
    }

    /// <summary>Creates every configured sensor, or the default simulated one when none is configured.</summary>
    public IReadOnlyList<ISensor> CreateAll(IReadOnlyCollection<SensorOptions>? options)
    {
        var entries = options is { Count: > 0 } ? options : SensorOptions.Defaults;
        var duplicate = entries.GroupBy(o => o.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Sensor name '{duplicate.Key}' is used twice in {SensorOptions.Section}.", nameof(options));
        }

        return entries.Select(Create).ToList();
    }

    private static int Address(SensorOptions options, int fallback)
    {
        var text = options.Address?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }
}
