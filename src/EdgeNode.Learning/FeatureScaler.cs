using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>Per-feature standardisation <c>(x − mean) · invStd</c>, fitted on the training embeddings and stored with the head.</summary>
public sealed class FeatureScaler
{
    // A feature that never varies (a dead ReLU channel) keeps unit scale instead of exploding.
    private const float MinStd = 1e-3f;

    /// <summary>Creates the identity scaler (mean 0, scale 1).</summary>
    public FeatureScaler(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Mean = new float[dimension];
        InvStd = new float[dimension];
        Array.Fill(InvStd, 1f);
    }

    /// <summary>Creates a scaler from stored values.</summary>
    public FeatureScaler(float[] mean, float[] invStd)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(invStd);
        if (mean.Length != invStd.Length || mean.Length == 0)
        {
            throw new ArgumentException("Mean and scale must have the same, non-zero length.", nameof(invStd));
        }

        Mean = mean;
        InvStd = invStd;
    }

    /// <summary>Per-feature mean subtracted first.</summary>
    public float[] Mean { get; }

    /// <summary>Per-feature factor applied after the mean.</summary>
    public float[] InvStd { get; }

    /// <summary>Feature count.</summary>
    public int Dimension => Mean.Length;

    /// <summary>Fits mean and standard deviation on every row of <paramref name="data"/>.</summary>
    public static FeatureScaler Fit(SampleSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var d = data.Dimension;
        var scaler = new FeatureScaler(d);
        if (data.Count == 0)
        {
            return scaler;
        }

        // Two passes in double: single-pass float variance loses digits on large, shifted features.
        var sum = new double[d];
        var sq = new double[d];
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++)
            {
                sum[j] += row[j];
            }
        }

        for (var j = 0; j < d; j++)
        {
            sum[j] /= data.Count;
        }

        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++)
            {
                var delta = row[j] - sum[j];
                sq[j] += delta * delta;
            }
        }

        for (var j = 0; j < d; j++)
        {
            scaler.Mean[j] = (float)sum[j];
            scaler.InvStd[j] = 1f / Math.Max(MinStd, (float)Math.Sqrt(sq[j] / data.Count));
        }

        return scaler;
    }

    /// <summary>Writes the standardised <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Transform(ReadOnlySpan<float> source, Span<float> destination)
    {
        TensorPrimitives.Subtract(source, Mean, destination);
        TensorPrimitives.Multiply(destination, InvStd, destination);
    }

    /// <summary>A deep copy.</summary>
    public FeatureScaler Clone() => new((float[])Mean.Clone(), (float[])InvStd.Clone());
}
