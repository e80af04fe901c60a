namespace EdgeNode.Compression.Quantization;

/// <summary>Symmetric int8 quantization of weights, per output channel (a slice along one axis) or per tensor.</summary>
internal static class WeightQuantizer
{
    /// <summary>Quantizes <paramref name="weights"/> viewed as [outer, channels, inner] along the middle axis.</summary>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> weights, int outer, int channels, int inner)
    {
        var scales = new float[channels];
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var slice = weights.Slice(((o * channels) + c) * inner, inner);
                foreach (var w in slice)
                {
                    scales[c] = Math.Max(scales[c], Math.Abs(w));
                }
            }
        }

        for (var c = 0; c < channels; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }

        var values = new sbyte[weights.Length];
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var start = ((o * channels) + c) * inner;
                var inverse = 1f / scales[c];
                for (var k = start; k < start + inner; k++)
                {
                    values[k] = (sbyte)Math.Clamp(MathF.Round(weights[k] * inverse), -127f, 127f);
                }
            }
        }

        return (values, scales);
    }
}
