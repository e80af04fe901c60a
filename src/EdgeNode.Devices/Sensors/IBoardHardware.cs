using System.Device.Gpio;
using System.Device.I2c;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// The narrow seam between device logic and the board: I2C buses, the GPIO controller and the root of
/// the file system that holds <c>/sys</c>. Tests pass simulated devices and a temporary folder.
/// </summary>
public interface IBoardHardware
{
    /// <summary>The board's GPIO controller, shared by every user; owned by the implementation.</summary>
    GpioController Gpio { get; }

    /// <summary>The folder that stands for <c>/</c> when reading <c>/sys</c> (<c>/</c> on a board).</summary>
    string FileSystemRoot { get; }

    /// <summary>Opens a device on an I2C bus; the caller owns (disposes) it.</summary>
    I2cDevice OpenI2cDevice(int busId, int deviceAddress);
}
