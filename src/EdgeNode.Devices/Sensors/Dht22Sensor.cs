using EdgeNode.Core;
using Iot.Device.DHTxx;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// DHT22 (AM2302) temperature and humidity on one GPIO pin. The one-wire protocol is timing-sensitive, so a
/// failed read (timeout or checksum) is normal now and then; it surfaces as an exception that the poller retries.
/// </summary>
internal sealed class Dht22Sensor : DriverSensor<Dht22>
{
    private readonly IBoardHardware _hardware;
    private readonly int _pin;

    public Dht22Sensor(string name, TimeSpan period, IBoardHardware hardware, int pin, TimeProvider timeProvider)
        : base(name, period, timeProvider)
    {
        _hardware = hardware;
        _pin = pin;
    }

    // The controller is shared with the button and LED: the driver must not dispose it.
    protected override Dht22 Open() => new(_pin, _hardware.Gpio, shouldDispose: false);

    protected override IReadOnlyList<SensorReading> Read(Dht22 driver, DateTimeOffset timestamp)
    {
        if (!driver.TryReadTemperature(out var temperature) || !driver.TryReadHumidity(out var humidity))
        {
            throw new IOException($"Sensor '{Name}' (DHT22 on GPIO {_pin}) did not answer or failed its checksum.");
        }

        return
        [
            Reading("temperature", temperature.DegreesCelsius, "°C", timestamp),
            Reading("humidity", humidity.Percent, "%", timestamp),
        ];
    }
}
