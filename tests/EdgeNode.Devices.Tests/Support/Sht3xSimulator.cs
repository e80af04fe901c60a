using System.Device.I2c;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>
/// SHT3x command protocol: a 16-bit command is written; after a single-shot measurement command the next
/// 6-byte read returns temperature and humidity words, each followed by its CRC-8 (polynomial 0x31, init 0xFF).
/// </summary>
internal sealed class Sht3xSimulator(int busId, int address) : I2cDevice
{
    private readonly byte[] _measurement = new byte[6];

    public override I2cConnectionSettings ConnectionSettings { get; } = new(busId, address);

    public double Celsius { get; set; } = 23.4;

    public double Humidity { get; set; } = 55.5;

    public int Measurements { get; private set; }

    public List<ushort> Commands { get; } = [];

    public override byte ReadByte() => throw new NotSupportedException("The SHT3x is read in 6-byte frames.");

    public override void Read(Span<byte> buffer) => _measurement.AsSpan(0, buffer.Length).CopyTo(buffer);

    public override void WriteByte(byte value) => throw new NotSupportedException("The SHT3x takes 16-bit commands.");

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var command = (ushort)((buffer[0] << 8) | buffer[1]);
        Commands.Add(command);
        if (buffer[0] is 0x24 or 0x2C)
        {
            Measurements++;
            var t = (ushort)Math.Round((Celsius + 45) * 65535 / 175);
            var rh = (ushort)Math.Round(Humidity * 65535 / 100);
            Word(t, _measurement.AsSpan(0, 3));
            Word(rh, _measurement.AsSpan(3, 3));
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private static void Word(ushort value, Span<byte> destination)
    {
        destination[0] = (byte)(value >> 8);
        destination[1] = (byte)value;
        byte crc = 0xFF;
        for (var i = 0; i < 2; i++)
        {
            crc ^= destination[i];
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        destination[2] = crc;
    }
}
