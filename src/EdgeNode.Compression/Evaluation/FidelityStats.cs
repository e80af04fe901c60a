using System.Numerics.Tensors;

namespace EdgeNode.Compression.Evaluation;

/// <summary>How closely a compressed model's outputs follow the original's on the same inputs.</summary>
/// <param name="Samples">Number of inputs compared.</param>
/// <param name="MeanCosine">Mean cosine similarity of the outputs.</param>
/// <param name="P5Cosine">5th percentile of the cosine similarities.</param>
/// <param name="MinCosine">Smallest cosine similarity.</param>
/// <param name="Source">What the inputs were (held-out images or random tensors).</param>
public sealed record FidelityStats(int Samples, double MeanCosine, double P5Cosine, double MinCosine, string Source)
{
    internal static FidelityStats Measure(OrtModel reference, OrtModel candidate, IReadOnlyList<float[]> inputs, string source)
    {
        var cosines = inputs.Select(input => (double)TensorPrimitives.CosineSimilarity(reference.Run(input), candidate.Run(input)))
            .Order().ToArray();
        return cosines.Length == 0
            ? new FidelityStats(0, double.NaN, double.NaN, double.NaN, source)
            : new FidelityStats(cosines.Length, cosines.Average(), LatencyStats.Percentile(cosines, 5), cosines[0], source);
    }
}
