using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeNode.Compression.Inputs;

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0–3.0, little-endian, C order): what <c>numpy.save</c> writes, so tensors made
/// in Python or by <c>scripts/</c> steps feed <c>bench --inputs</c> and <c>compress --calibration</c>.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes int64 values of <paramref name="shape"/> to <paramref name="path"/> (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<long> values, params ReadOnlySpan<long> shape) => Write(path, "<i8", MemoryMarshal.AsBytes(values), shape);

    /// <summary>Writes float values of <paramref name="shape"/> to <paramref name="path"/> (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape) => Write(path, "<f4", MemoryMarshal.AsBytes(values), shape);

    internal static void Write(string path, string descr, ReadOnlySpan<byte> data, ReadOnlySpan<long> shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        var total = s_magic.Length + 4 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        stream.Write(s_magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
    }

    /// <summary>Reads a file into its shape and an array of its element type.</summary>
    /// <exception cref="CompressionException">Not an .npy file, big-endian, Fortran order, an unsupported type, or truncated.</exception>
    internal static (long[] Shape, Array Data) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new CompressionException($"'{path}' is not a NumPy .npy file.");
        }

        var major = bytes[6];
        var (headerLength, start) = major == 1 ? (BitConverter.ToUInt16(bytes, 8), 10) : ((int)BitConverter.ToUInt32(bytes, 8), 12);
        if (start + headerLength > bytes.Length)
        {
            throw new CompressionException($"'{path}' is truncated.");
        }

        var header = Encoding.Latin1.GetString(bytes, start, headerLength);
        var descr = DescrPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new CompressionException($"'{path}': only C-order .npy files with a plain dtype are supported.");
        }

        long[] shape = [.. shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture))];
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var data = bytes.AsSpan(start + headerLength);
        Array values = descr.Groups[1].Value switch
        {
            "<f4" => Cast<float>(data, count, path),
            "<f8" => Cast<double>(data, count, path),
            "<i8" => Cast<long>(data, count, path),
            "<i4" => Cast<int>(data, count, path),
            "<i2" => Cast<short>(data, count, path),
            "|i1" => Cast<sbyte>(data, count, path),
            "|u1" => Cast<byte>(data, count, path),
            "|b1" => Cast<bool>(data, count, path),
            var other => throw new CompressionException($"'{path}' has dtype '{other}'; supported: <f4, <f8, <i8, <i4, <i2, |i1, |u1, |b1."),
        };
        return (shape, values);
    }

    private static T[] Cast<T>(ReadOnlySpan<byte> data, int count, string path)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        return data.Length >= count * size
            ? MemoryMarshal.Cast<byte, T>(data[..(count * size)]).ToArray()
            : throw new CompressionException($"'{path}' holds fewer values than its shape says (truncated).");
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
