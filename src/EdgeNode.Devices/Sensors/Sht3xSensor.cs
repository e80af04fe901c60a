using EdgeNode.Core;
using Iot.Device.Sht3x;

namespace EdgeNode.Devices.Sensors;

/// <summary>Sensirion SHT3x temperature and humidity over I2C.</summary>
internal sealed class Sht3xSensor : DriverSensor<Sht3x>
{
    private readonly IBoardHardware _hardware;
    private readonly int _bus;
    private readonly int _address;

    public Sht3xSensor(string name, TimeSpan period, IBoardHardware hardware, int bus, int address, TimeProvider timeProvider)
        : base(name, period, timeProvider)
    {
        _hardware = hardware;
        _bus = bus;
        _address = address;
    }

    protected override Sht3x Open() =>
        Construct(_hardware.OpenI2cDevice(_bus, _address), device => new Sht3x(device));

    protected override IReadOnlyList<SensorReading> Read(Sht3x driver, DateTimeOffset timestamp) =>
    [
        Reading("temperature", driver.Temperature.DegreesCelsius, "°C", timestamp),
        Reading("humidity", driver.Humidity.Percent, "%", timestamp),
    ];
}
