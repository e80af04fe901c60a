using System.Device.I2c;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>
/// A chip whose 256 byte-wide registers are addressed by the first byte written, with auto-increment on
/// reads and writes (the BMx280 model). Tests set the registers the real driver then reads.
/// </summary>
internal sealed class RegisterMapI2cDevice : I2cDevice
{
    private readonly byte[] _registers = new byte[256];
    private byte _pointer;

    public RegisterMapI2cDevice(int busId, int address) => ConnectionSettings = new I2cConnectionSettings(busId, address);

    public override I2cConnectionSettings ConnectionSettings { get; }

    public bool Disposed { get; private set; }

    public byte this[int register]
    {
        get => _registers[register];
        set => _registers[register] = value;
    }

    public void SetLittleEndian(int register, int value)
    {
        _registers[register] = (byte)(value & 0xFF);
        _registers[register + 1] = (byte)((value >> 8) & 0xFF);
    }

    public override byte ReadByte() => _registers[_pointer++];

    public override void Read(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = _registers[_pointer++];
        }
    }

    public override void WriteByte(byte value) => _pointer = value;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pointer = buffer[0];
        foreach (var value in buffer[1..])
        {
            _registers[_pointer++] = value;
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
