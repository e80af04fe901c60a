using System.Runtime.InteropServices;
using Google.Protobuf;

namespace EdgeNode.Compression.Onnx;

/// <summary>Conversions between ONNX <see cref="TensorProto"/> initializers and arrays.</summary>
internal static class Tensors
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Uint8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    public static float[] ToFloats(TensorProto tensor)
    {
        if (tensor.DataType != Float)
        {
            throw new CompressionException($"Tensor '{tensor.Name}' has element type {tensor.DataType}; expected float.");
        }

        var count = checked((int)ElementCount(tensor));
        float[] values;
        if (!tensor.RawData.IsEmpty)
        {
            values = MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }
        else
        {
            values = [.. tensor.FloatData];
        }

        if (values.Length != count)
        {
            throw new CompressionException($"Tensor '{tensor.Name}' holds {values.Length} values for {count} elements (truncated model?).");
        }

        return values;
    }

    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> dims) =>
        Create(name, Float, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto FromInt8(string name, ReadOnlySpan<sbyte> values, params ReadOnlySpan<long> dims) =>
        Create(name, Int8, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto FromUInt8(string name, ReadOnlySpan<byte> values, params ReadOnlySpan<long> dims) =>
        Create(name, Uint8, values, dims);

    public static TensorProto FromInt32(string name, ReadOnlySpan<int> values, params ReadOnlySpan<long> dims) =>
        Create(name, Int32, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto FromInt64(string name, ReadOnlySpan<long> values, params ReadOnlySpan<long> dims) =>
        Create(name, Int64, MemoryMarshal.AsBytes(values), dims);

    private static TensorProto Create(string name, int dataType, ReadOnlySpan<byte> raw, ReadOnlySpan<long> dims)
    {
        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(raw) };
        foreach (var d in dims)
        {
            tensor.Dims.Add(d);
        }

        return tensor;
    }
}
