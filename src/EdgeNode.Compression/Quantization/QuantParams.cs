using EdgeNode.Compression.Calibration;

namespace EdgeNode.Compression.Quantization;

/// <summary>Asymmetric uint8 scale and zero point of one activation tensor.</summary>
/// <param name="Scale">Float step per integer level.</param>
/// <param name="ZeroPoint">The integer that represents 0.0.</param>
internal readonly record struct QuantParams(float Scale, byte ZeroPoint)
{
    /// <summary>
    /// The range is widened to include 0 so that 0.0 is exact; a range starting at 0 (after Relu) gives
    /// zero point 0, the type minimum ORT needs to fuse the Relu into the integer kernel.
    /// </summary>
    public static QuantParams FromRange(TensorRange range)
    {
        var min = Math.Min(range.Min, 0f);
        var max = Math.Max(range.Max, 0f);
        var scale = (max - min) / 255f;
        if (!(scale > 0) || !float.IsFinite(scale))
        {
            return new QuantParams(1f, 0);
        }

        var zeroPoint = Math.Clamp(MathF.Round(-min / scale), 0f, 255f);
        return new QuantParams(scale, (byte)zeroPoint);
    }
}
