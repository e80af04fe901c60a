namespace EdgeNode.Compression.Evaluation;

/// <summary>
/// A multinomial logistic-regression head on standardized features, trained by full-batch gradient
/// descent: the kind of head a node trains on-device on top of the backbone's embedding.
/// </summary>
internal sealed class LinearProbe
{
    private const int Epochs = 300;
    private const double LearningRate = 0.5;
    private const double L2 = 1e-4;

    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[,] _weights;
    private readonly double[] _bias;

    private LinearProbe(double[] mean, double[] scale, double[,] weights, double[] bias)
    {
        _mean = mean;
        _scale = scale;
        _weights = weights;
        _bias = bias;
    }

    public static LinearProbe Train(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes)
    {
        var dims = features[0].Length;
        var n = features.Count;
        var mean = new double[dims];
        var scale = new double[dims];
        foreach (var f in features)
        {
            for (var d = 0; d < dims; d++)
            {
                mean[d] += f[d] / (double)n;
            }
        }

        foreach (var f in features)
        {
            for (var d = 0; d < dims; d++)
            {
                scale[d] += (f[d] - mean[d]) * (f[d] - mean[d]) / n;
            }
        }

        for (var d = 0; d < dims; d++)
        {
            scale[d] = 1 / Math.Sqrt(scale[d] + 1e-8);
        }

        var probe = new LinearProbe(mean, scale, new double[classes, dims], new double[classes]);
        var x = features.Select(probe.Standardize).ToArray();
        var gradW = new double[classes, dims];
        var gradB = new double[classes];
        var p = new double[classes];
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            Array.Clear(gradW);
            Array.Clear(gradB);
            for (var i = 0; i < n; i++)
            {
                probe.Probabilities(x[i], p);
                p[labels[i]] -= 1;
                for (var c = 0; c < classes; c++)
                {
                    gradB[c] += p[c] / n;
                    for (var d = 0; d < dims; d++)
                    {
                        gradW[c, d] += p[c] * x[i][d] / n;
                    }
                }
            }

            for (var c = 0; c < classes; c++)
            {
                probe._bias[c] -= LearningRate * gradB[c];
                for (var d = 0; d < dims; d++)
                {
                    probe._weights[c, d] -= LearningRate * (gradW[c, d] + (L2 * probe._weights[c, d]));
                }
            }
        }

        return probe;
    }

    public int Predict(float[] features)
    {
        var p = new double[_bias.Length];
        Probabilities(Standardize(features), p);
        return Array.IndexOf(p, p.Max());
    }

    private double[] Standardize(float[] f)
    {
        var x = new double[f.Length];
        for (var d = 0; d < f.Length; d++)
        {
            x[d] = (f[d] - _mean[d]) * _scale[d];
        }

        return x;
    }

    private void Probabilities(double[] x, double[] p)
    {
        var max = double.MinValue;
        for (var c = 0; c < p.Length; c++)
        {
            var z = _bias[c];
            for (var d = 0; d < x.Length; d++)
            {
                z += _weights[c, d] * x[d];
            }

            p[c] = z;
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (var c = 0; c < p.Length; c++)
        {
            p[c] = Math.Exp(p[c] - max);
            sum += p[c];
        }

        for (var c = 0; c < p.Length; c++)
        {
            p[c] /= sum;
        }
    }
}
