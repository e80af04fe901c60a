using System.Device.I2c;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// Base of the sensors on an I2C bus: the bus and address they were configured with, and the one way their driver is
/// made, over a device opened on the board's hardware (disposed again when the driver refuses it).
/// </summary>
internal abstract class I2cSensor<TDriver> : DriverSensor<TDriver>
    where TDriver : class, IDisposable
{
    private readonly IBoardHardware _hardware;
    private readonly int _bus;

    protected I2cSensor(string name, TimeSpan period, IBoardHardware hardware, int bus, int address, TimeProvider timeProvider)
        : base(name, period, timeProvider)
    {
        _hardware = hardware;
        _bus = bus;
        Address = address;
    }

    /// <summary>The chip's address on the bus (for error messages).</summary>
    protected int Address { get; }

    /// <summary>Opens the device at the configured bus and address and constructs the driver over it.</summary>
    protected TDriver OpenOnBus(Func<I2cDevice, TDriver> create) => Construct(_hardware.OpenI2cDevice(_bus, Address), create);
}
