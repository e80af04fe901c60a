using System.Buffers;
using System.Numerics.Tensors;

namespace EdgeNode.Compression.Split;

/// <summary>
/// The int8 wire form of a float activation: asymmetric uint8 codes with the scale and zero point of
/// <c>split.json</c>, <c>x ≈ (q − zeroPoint) · scale</c>, a quarter of the fp32 bytes.
/// </summary>
public static class ActivationCodec
{
    /// <summary>Writes one code per value into <paramref name="codes"/>; values outside the calibrated range saturate.</summary>
    public static void Quantize(ReadOnlySpan<float> values, float scale, byte zeroPoint, Span<byte> codes)
    {
        Check(values.Length, codes.Length, scale);
        var buffer = ArrayPool<float>.Shared.Rent(values.Length);
        try
        {
            var work = buffer.AsSpan(0, values.Length);
            TensorPrimitives.Multiply(values, 1f / scale, work);
            TensorPrimitives.Add(work, zeroPoint, work);
            TensorPrimitives.Round(work, work);
            TensorPrimitives.Clamp(work, 0f, 255f, work);
            TensorPrimitives.ConvertTruncating(work, codes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the float each code stands for into <paramref name="values"/>.</summary>
    public static void Dequantize(ReadOnlySpan<byte> codes, float scale, byte zeroPoint, Span<float> values)
    {
        Check(values.Length, codes.Length, scale);
        TensorPrimitives.ConvertChecked(codes, values);
        TensorPrimitives.Subtract(values, zeroPoint, values);
        TensorPrimitives.Multiply(values, scale, values);
    }

    private static void Check(int values, int codes, float scale)
    {
        if (values != codes)
        {
            throw new ArgumentException($"{values} values but room for {codes} codes.");
        }

        if (!(scale > 0) || !float.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be a positive finite number.");
        }
    }
}
