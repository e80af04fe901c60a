using EdgeNode.Core;
using Iot.Device.Sht3x;

namespace EdgeNode.Devices.Sensors;

/// <summary>Sensirion SHT3x temperature and humidity over I2C.</summary>
internal sealed class Sht3xSensor : I2cSensor<Sht3x>
{
    public Sht3xSensor(string name, TimeSpan period, IBoardHardware hardware, int bus, int address, TimeProvider timeProvider)
        : base(name, period, hardware, bus, address, timeProvider)
    {
    }

    protected override Sht3x Open() => OpenOnBus(device => new Sht3x(device));

    protected override IReadOnlyList<SensorReading> Read(Sht3x driver, DateTimeOffset timestamp) =>
    [
        Reading("temperature", driver.Temperature.DegreesCelsius, "°C", timestamp),
        Reading("humidity", driver.Humidity.Percent, "%", timestamp),
    ];
}
