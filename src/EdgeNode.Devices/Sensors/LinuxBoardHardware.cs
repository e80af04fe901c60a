using System.Device.Gpio;
using System.Device.I2c;

namespace EdgeNode.Devices.Sensors;

/// <summary>The real board: <c>/dev/i2c-N</c>, the default GPIO driver, and <c>/</c>.</summary>
public sealed class LinuxBoardHardware : IBoardHardware, IDisposable
{
    private readonly Lazy<GpioController> _gpio = new(() => new GpioController(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc />
    public GpioController Gpio => _gpio.Value;

    /// <inheritdoc />
    public string FileSystemRoot => "/";

    /// <inheritdoc />
    public I2cDevice OpenI2cDevice(int busId, int deviceAddress) => I2cDevice.Create(new I2cConnectionSettings(busId, deviceAddress));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_gpio.IsValueCreated)
        {
            _gpio.Value.Dispose();
        }
    }
}
