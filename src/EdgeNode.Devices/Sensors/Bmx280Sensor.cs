using EdgeNode.Core;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.ReadResult;

namespace EdgeNode.Devices.Sensors;

/// <summary>Bosch BME280 (temperature, pressure, humidity) or BMP280 (no humidity) over I2C.</summary>
internal sealed class Bmx280Sensor : I2cSensor<Bmx280Base>
{
    private readonly bool _withHumidity;

    public Bmx280Sensor(string name, TimeSpan period, IBoardHardware hardware, int bus, int address, bool withHumidity, TimeProvider timeProvider)
        : base(name, period, hardware, bus, address, timeProvider)
    {
        _withHumidity = withHumidity;
    }

    protected override Bmx280Base Open() =>
        OpenOnBus(device => _withHumidity ? new Bme280(device) : new Bmp280(device));

    protected override IReadOnlyList<SensorReading> Read(Bmx280Base driver, DateTimeOffset timestamp)
    {
        var result = driver is Bme280 bme ? bme.Read() : ((Bmp280)driver).Read();
        var readings = new List<SensorReading>(3);
        readings.Add(Reading("temperature", Required(result.Temperature, "temperature").DegreesCelsius, "°C", timestamp));
        readings.Add(Reading("pressure", Required(result.Pressure, "pressure").Hectopascals, "hPa", timestamp));
        if (result is Bme280ReadResult withHumidity)
        {
            readings.Add(Reading("humidity", Required(withHumidity.Humidity, "humidity").Percent, "%", timestamp));
        }

        return readings;
    }

    private T Required<T>(T? value, string quantity)
        where T : struct =>
        value ?? throw new IOException($"Sensor '{Name}' (BMx280 at 0x{Address:X2}) returned no {quantity}.");
}
