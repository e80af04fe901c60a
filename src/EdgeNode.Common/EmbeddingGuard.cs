using System.Numerics.Tensors;

namespace EdgeNode.Common;

/// <summary>Rejects embeddings that would poison a head: wrong length, NaN or infinity.</summary>
public static class EmbeddingGuard
{
    /// <summary>True when every value is finite.</summary>
    public static bool IsFinite(ReadOnlySpan<float> embedding) =>
        !TensorPrimitives.IsNaNAny(embedding) && !TensorPrimitives.IsInfinityAny(embedding);

    /// <summary>Throws when <paramref name="embedding"/> is not <paramref name="dimension"/> finite floats.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN or infinity.</exception>
    public static void Check(ReadOnlySpan<float> embedding, int dimension)
    {
        if (embedding.Length != dimension)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; expected {dimension}.", nameof(embedding));
        }

        if (!IsFinite(embedding))
        {
            throw new ArgumentException("The embedding contains NaN or infinite values.", nameof(embedding));
        }
    }
}
