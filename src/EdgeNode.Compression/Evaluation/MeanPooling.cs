using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Evaluation;

/// <summary>
/// Sentence embeddings as sentence-transformers make them: the token states <c>[batch, sequence, hidden]</c> averaged
/// over the tokens the <c>attention_mask</c> keeps. Fidelity of a text encoder is judged on these, not on padding.
/// </summary>
internal static class MeanPooling
{
    /// <summary>The sample's <c>attention_mask</c> as 0/1 per [batch, sequence] position, when it matches a rank-3 output.</summary>
    public static double[]? Mask(InputSample sample, long[] outputShape)
    {
        var mask = sample.Find("attention_mask");
        if (mask is null || outputShape.Length != 3 || mask.Shape.Length != 2 || mask.Shape[0] != outputShape[0] || mask.Shape[1] != outputShape[1])
        {
            return null;
        }

        var values = new double[mask.Data.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Convert.ToDouble(mask.Data.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) != 0 ? 1 : 0;
        }

        return values;
    }

    /// <summary>[batch, hidden]: per batch row, the mean of the kept tokens' states.</summary>
    public static float[] Pool(float[] states, long[] shape, double[] mask)
    {
        int batch = (int)shape[0], sequence = (int)shape[1], hidden = (int)shape[2];
        var pooled = new float[batch * hidden];
        var sum = new double[hidden];
        for (var b = 0; b < batch; b++)
        {
            Array.Clear(sum);
            double kept = 0;
            for (var s = 0; s < sequence; s++)
            {
                var m = mask[(b * sequence) + s];
                if (m == 0)
                {
                    continue;
                }

                kept += m;
                var row = states.AsSpan(((b * sequence) + s) * hidden, hidden);
                for (var h = 0; h < hidden; h++)
                {
                    sum[h] += row[h];
                }
            }

            for (var h = 0; h < hidden; h++)
            {
                pooled[(b * hidden) + h] = (float)(sum[h] / Math.Max(kept, 1e-9));
            }
        }

        return pooled;
    }
}
