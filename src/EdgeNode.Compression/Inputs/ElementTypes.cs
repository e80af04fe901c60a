namespace EdgeNode.Compression.Inputs;

/// <summary>The ONNX element types <c>bench</c> and <c>compress</c> can feed, with their names and CLR array types.</summary>
internal static class ElementTypes
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Double = (int)TensorProto.Types.DataType.Double;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int16 = (int)TensorProto.Types.DataType.Int16;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Uint8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;

    public static string Name(int type) => type switch
    {
        Float => "float",
        Double => "double",
        Int64 => "int64",
        Int32 => "int32",
        Int16 => "int16",
        Int8 => "int8",
        Uint8 => "uint8",
        Bool => "bool",
        _ => ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant(),
    };

    public static bool IsInteger(int type) => type is Int64 or Int32 or Int16 or Int8 or Uint8;

    public static bool IsSupported(int type) => type is Float or Double or Bool || IsInteger(type);

    /// <summary>An array of <paramref name="length"/> elements of <paramref name="type"/>, filled by <paramref name="value"/> (as double).</summary>
    public static Array Create(int type, int length, Func<int, double> value)
    {
        Array array = type switch
        {
            Float => new float[length],
            Double => new double[length],
            Int64 => new long[length],
            Int32 => new int[length],
            Int16 => new short[length],
            Int8 => new sbyte[length],
            Uint8 => new byte[length],
            Bool => new bool[length],
            _ => throw new CompressionException($"Element type {Name(type)} is not supported (float, double, int64, int32, int16, int8, uint8, bool)."),
        };
        for (var i = 0; i < length; i++)
        {
            var v = value(i);
            switch (array)
            {
                case float[] a: a[i] = (float)v; break;
                case double[] a: a[i] = v; break;
                case long[] a: a[i] = (long)v; break;
                case int[] a: a[i] = (int)v; break;
                case short[] a: a[i] = (short)v; break;
                case sbyte[] a: a[i] = (sbyte)v; break;
                case byte[] a: a[i] = (byte)v; break;
                case bool[] a: a[i] = v != 0; break;
            }
        }

        return array;
    }

    /// <summary>The ONNX element type of an array created by <see cref="Create"/> or read from a file.</summary>
    public static int Of(Array data) => data switch
    {
        float[] => Float,
        double[] => Double,
        long[] => Int64,
        int[] => Int32,
        short[] => Int16,
        sbyte[] => Int8,
        byte[] => Uint8,
        bool[] => Bool,
        _ => throw new CompressionException($"Unsupported tensor array {data.GetType().Name}."),
    };
}
