using System.Device.Gpio;
using System.Device.I2c;
using EdgeNode.Devices.Sensors;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>An <see cref="IBoardHardware"/> whose I2C devices and GPIO driver are simulations.</summary>
internal sealed class SimulatedBoard : IBoardHardware, IDisposable
{
    private readonly Dictionary<(int Bus, int Address), Func<I2cDevice>> _devices = [];

    public SimulatedBoard(string? fileSystemRoot = null, GpioDriver? gpioDriver = null)
    {
        FileSystemRoot = fileSystemRoot ?? "/nonexistent";
        GpioDriver = gpioDriver as TestGpioDriver ?? new TestGpioDriver();
        Gpio = new GpioController(GpioDriver);
    }

    public TestGpioDriver GpioDriver { get; }

    public GpioController Gpio { get; }

    public string FileSystemRoot { get; }

    public List<(int Bus, int Address)> Opened { get; } = [];

    public void Add(int bus, int address, Func<I2cDevice> open) => _devices[(bus, address)] = open;

    public I2cDevice OpenI2cDevice(int busId, int deviceAddress)
    {
        Opened.Add((busId, deviceAddress));
        return _devices.TryGetValue((busId, deviceAddress), out var open)
            ? open()
            : throw new IOException($"No device answers at 0x{deviceAddress:X2} on I2C bus {busId}.");
    }

    public void Dispose() => Gpio.Dispose();
}
