using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>
/// ADS1115 register model: a pointer byte selects conversion (0), config (1), lo/hi threshold (2, 3); writing
/// the config with OS=1 runs one conversion of the selected single-ended input at the selected gain.
/// </summary>
internal sealed class Ads1115Simulator(int busId, int address) : I2cDevice
{
    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
    private readonly ushort[] _registers = [0, 0x8583, 0x8000, 0x7FFF];
    private byte _pointer;

    public override I2cConnectionSettings ConnectionSettings { get; } = new(busId, address);

    /// <summary>Volts on AIN0..AIN3.</summary>
    public double[] Inputs { get; } = [0, 0, 0, 0];

    public int Conversions { get; private set; }

    public override byte ReadByte() => (byte)(_registers[_pointer] >> 8);

    public override void Read(Span<byte> buffer)
    {
        Span<byte> word = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(word, _registers[_pointer]);
        word[..Math.Min(2, buffer.Length)].CopyTo(buffer);
    }

    public override void WriteByte(byte value) => _pointer = (byte)(value & 0x03);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pointer = (byte)(buffer[0] & 0x03);
        if (buffer.Length < 3)
        {
            return;
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..3]);
        if (_pointer != 1)
        {
            _registers[_pointer] = value;
            return;
        }

        if ((value & 0x8000) != 0)
        {
            var mux = (value >> 12) & 0x7;
            var gain = (value >> 9) & 0x7;
            var volts = mux >= 4 ? Inputs[mux - 4] : Inputs[mux >> 1] - Inputs[3];
            var raw = Math.Clamp(Math.Round(volts / FullScale[gain] * 32768), short.MinValue, short.MaxValue);
            _registers[0] = (ushort)(short)raw;
            Conversions++;
        }

        // OS reads back 1: the single-shot conversion is already done.
        _registers[1] = (ushort)(value | 0x8000);
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }
}
