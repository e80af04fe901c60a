using System.Buffers.Binary;
using System.Text;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// The payload of a statistics update (little-endian): magic <c>EDST</c>, u8 version 1, u8 precision, i32 d,
/// i32 classes; per class u16 + UTF-8 label, f64 count, d sums; then the d(d+1)/2 upper triangle of Σ xxᵀ,
/// row by row. Sums and triangle are f32 or f64 (<see cref="StatisticsPrecision"/>).
/// </summary>
public static class StatisticsCodec
{
    private const int Magic = 0x54534445; // "EDST"
    private const byte Version = 1;
    private const int MaxLabelBytes = 256;
    private const int MaxClasses = 1 << 16;

    /// <summary>Encodes <paramref name="statistics"/>.</summary>
    public static byte[] Encode(DiscriminantStatistics statistics, StatisticsPrecision precision = StatisticsPrecision.Compact)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var d = statistics.Dimension;
        var width = precision == StatisticsPrecision.Exact ? 8 : 4;
        var labels = statistics.Classes.Select(Encoding.UTF8.GetBytes).ToArray();
        if (labels.Any(l => l.Length is 0 or > MaxLabelBytes))
        {
            throw new ArgumentException("Class labels must be 1 to 256 UTF-8 bytes.", nameof(statistics));
        }

        var length = 14 + labels.Sum(l => 2 + l.Length + 8 + ((long)width * d)) + ((long)width * d * (d + 1) / 2);
        var buffer = new byte[length];
        var w = new Writer(buffer, width);
        w.Int(Magic);
        buffer[4] = Version;
        buffer[5] = (byte)precision;
        w.At = 6;
        w.Int(d);
        w.Int(labels.Length);
        for (var c = 0; c < labels.Length; c++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(w.At), (ushort)labels[c].Length);
            labels[c].CopyTo(buffer, w.At + 2);
            w.At += 2 + labels[c].Length;
            w.Double(statistics.CountOf(c));
            foreach (var v in statistics.SumOf(c))
            {
                w.Value(v);
            }
        }

        var m = statistics.SecondMoment;
        for (var i = 0; i < d; i++)
        {
            for (var j = i; j < d; j++)
            {
                w.Value(m[(i * d) + j]);
            }
        }

        return buffer;
    }

    /// <summary>Decodes a payload of <paramref name="dimension"/>-d statistics.</summary>
    /// <exception cref="InvalidDataException">Truncated, another dimension, a NaN or infinite value, a negative count, or a malformed label.</exception>
    public static DiscriminantStatistics Decode(ReadOnlySpan<byte> payload, int dimension)
    {
        if (payload.Length < 14 || BinaryPrimitives.ReadInt32LittleEndian(payload) != Magic || payload[4] != Version)
        {
            throw new InvalidDataException("Not a statistics payload of a supported version.");
        }

        if (payload[5] > (byte)StatisticsPrecision.Compact)
        {
            throw new InvalidDataException($"Unknown statistics precision {payload[5]}.");
        }

        var width = payload[5] == (byte)StatisticsPrecision.Exact ? 8 : 4;
        var d = BinaryPrimitives.ReadInt32LittleEndian(payload[6..]);
        var classes = BinaryPrimitives.ReadInt32LittleEndian(payload[10..]);
        if (d != dimension)
        {
            throw new InvalidDataException($"The statistics are {d}-d; the head takes {dimension}.");
        }

        if (classes is < 0 or > MaxClasses)
        {
            throw new InvalidDataException($"{classes} classes is out of range.");
        }

        var triangle = (long)width * d * (d + 1) / 2;
        var statistics = new DiscriminantStatistics(d);
        var at = 14;
        var sum = new double[d];
        for (var c = 0; c < classes; c++)
        {
            var labelLength = payload.Length >= at + 2 ? BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]) : -1;
            if (labelLength is < 1 or > MaxLabelBytes || payload.Length < at + 2 + labelLength + 8 + ((long)width * d) + triangle)
            {
                throw new InvalidDataException("The statistics payload is truncated or has a malformed label.");
            }

            var label = Encoding.UTF8.GetString(payload.Slice(at + 2, labelLength));
            at += 2 + labelLength;
            var count = BinaryPrimitives.ReadDoubleLittleEndian(payload[at..]);
            at += 8;
            for (var j = 0; j < d; j++, at += width)
            {
                sum[j] = Read(payload[at..], width);
            }

            if (!(count >= 0 && double.IsFinite(count)) || !AllFinite(sum) || string.IsNullOrWhiteSpace(label) || statistics.IndexOf(label) >= 0)
            {
                throw new InvalidDataException($"Class {c} of the statistics has a negative or non-finite count or sum, or a repeated or empty label.");
            }

            statistics.SetClass(statistics.AddClass(label), count, sum);
        }

        if (payload.Length != at + triangle)
        {
            throw new InvalidDataException("The statistics payload has the wrong length.");
        }

        var m = statistics.SecondMoment;
        for (var i = 0; i < d; i++)
        {
            for (var j = i; j < d; j++, at += width)
            {
                var v = Read(payload[at..], width);
                if (!double.IsFinite(v))
                {
                    throw new InvalidDataException("The second moment holds NaN or infinite values.");
                }

                m[(i * d) + j] = v;
            }
        }

        return statistics;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static double Read(ReadOnlySpan<byte> at, int width) =>
        width == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(at) : BinaryPrimitives.ReadSingleLittleEndian(at);

    private ref struct Writer(Span<byte> buffer, int width)
    {
        private readonly Span<byte> _buffer = buffer;

        public int At;

        public void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer[At..], value);
            At += 4;
        }

        public void Double(double value)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer[At..], value);
            At += 8;
        }

        public void Value(double value)
        {
            if (width == 8)
            {
                Double(value);
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(_buffer[At..], (float)value);
                At += 4;
            }
        }
    }
}
