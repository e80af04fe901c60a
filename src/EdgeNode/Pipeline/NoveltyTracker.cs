using System.Numerics.Tensors;

namespace EdgeNode.Pipeline;

/// <summary>
/// Novelty of an embedding until a head is trained: cosine distance to an exponential running mean of the
/// embeddings seen so far (0 = typical scene, up to 2 = opposite).
/// </summary>
public sealed class NoveltyTracker(int dimensions, float alpha = 0.02f)
{
    private readonly float[] _mean = new float[dimensions];
    private bool _initialised;

    /// <summary>Forgets the mean (another backbone's embeddings are not comparable with it); the next embedding starts it again.</summary>
    public void Reset() => _initialised = false;

    /// <summary>Returns the novelty of <paramref name="embedding"/>, then folds it into the mean.</summary>
    public double Observe(ReadOnlySpan<float> embedding)
    {
        if (!_initialised)
        {
            embedding.CopyTo(_mean);
            _initialised = true;
            return 0;
        }

        var similarity = TensorPrimitives.CosineSimilarity(embedding, _mean);
        var novelty = float.IsFinite(similarity) ? 1.0 - similarity : 0.0;

        // mean += alpha * (embedding - mean)
        TensorPrimitives.Multiply(_mean, 1f - alpha, _mean);
        TensorPrimitives.MultiplyAdd(embedding, alpha, _mean, _mean);
        return novelty;
    }
}
