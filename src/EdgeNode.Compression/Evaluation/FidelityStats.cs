using System.Numerics.Tensors;
using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Evaluation;

/// <summary>How closely a compressed model's outputs follow the original's on the same inputs.</summary>
/// <param name="Samples">Number of inputs compared.</param>
/// <param name="MeanCosine">Mean cosine similarity of the outputs.</param>
/// <param name="P5Cosine">5th percentile of the cosine similarities.</param>
/// <param name="MinCosine">Smallest cosine similarity.</param>
/// <param name="Source">What the inputs were (held-out images, tensor files or random tensors).</param>
/// <param name="Compared">What was compared: the first output, or its mean over the tokens an <c>attention_mask</c> keeps.</param>
public sealed record FidelityStats(int Samples, double MeanCosine, double P5Cosine, double MinCosine, string Source, string Compared = "first output")
{
    internal static FidelityStats Measure(ModelSession reference, ModelSession candidate, IReadOnlyList<float[]> inputs, string source)
    {
        var (name, shape) = reference.SingleFloatInput;
        return Measure(reference, candidate, [.. inputs.Select(i => InputSample.Single(name, shape, i))], source);
    }

    internal static FidelityStats Measure(ModelSession reference, ModelSession candidate, IReadOnlyList<InputSample> inputs, string source)
    {
        var compared = "first output";
        var cosines = new double[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var (a, shape) = reference.Run(inputs[i]);
            var (b, _) = candidate.Run(inputs[i]);
            if (MeanPooling.Mask(inputs[i], shape) is { } mask)
            {
                a = MeanPooling.Pool(a, shape, mask);
                b = MeanPooling.Pool(b, shape, mask);
                compared = "first output mean-pooled over attention_mask (sentence embedding)";
            }

            cosines[i] = TensorPrimitives.CosineSimilarity(a, b);
        }

        Array.Sort(cosines);
        return cosines.Length == 0
            ? new FidelityStats(0, double.NaN, double.NaN, double.NaN, source, compared)
            : new FidelityStats(cosines.Length, cosines.Average(), LatencyStats.Percentile(cosines, 5), cosines[0], source, compared);
    }
}
