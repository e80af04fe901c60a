using EdgeNode.Core;
using Iot.Device.Ads1115;

namespace EdgeNode.Devices.Sensors;

/// <summary>TI ADS1115 16-bit ADC over I2C: single-ended voltages, ±4.096 V range, single-shot conversions.</summary>
internal sealed class Ads1115Sensor : I2cSensor<Ads1115>
{
    private static readonly InputMultiplexer[] Inputs = [InputMultiplexer.AIN0, InputMultiplexer.AIN1, InputMultiplexer.AIN2, InputMultiplexer.AIN3];

    private readonly int? _channel;

    public Ads1115Sensor(string name, TimeSpan period, IBoardHardware hardware, int bus, int address, int? channel, TimeProvider timeProvider)
        : base(name, period, hardware, bus, address, timeProvider)
    {
        _channel = channel;
    }

    protected override Ads1115 Open() =>
        OpenOnBus(device => new Ads1115(device, Inputs[_channel ?? 0], MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.PowerDown));

    protected override IReadOnlyList<SensorReading> Read(Ads1115 driver, DateTimeOffset timestamp)
    {
        if (_channel is { } channel)
        {
            return [Reading("voltage", driver.ReadVoltage(Inputs[channel]).Volts, "V", timestamp)];
        }

        var readings = new SensorReading[Inputs.Length];
        for (var i = 0; i < Inputs.Length; i++)
        {
            readings[i] = Reading("voltage_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), driver.ReadVoltage(Inputs[i]).Volts, "V", timestamp);
        }

        return readings;
    }
}
