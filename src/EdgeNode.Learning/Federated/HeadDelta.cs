using System.Numerics.Tensors;

namespace EdgeNode.Learning.Federated;

/// <summary>Deltas between heads of the same architecture, on the flat parameter vector.</summary>
public static class HeadDelta
{
    /// <summary>Adds <paramref name="delta"/> to <paramref name="head"/>'s parameters.</summary>
    /// <exception cref="ArgumentException">Wrong length, or the result is not finite.</exception>
    public static void Apply(HeadModel head, ReadOnlySpan<float> delta)
    {
        ArgumentNullException.ThrowIfNull(head);
        var next = new float[head.ParameterCount];
        head.GetParameters(next);
        if (delta.Length != next.Length)
        {
            throw new ArgumentException($"The delta has {delta.Length} values; the head has {next.Length} parameters.", nameof(delta));
        }

        TensorPrimitives.Add(next, delta, next);
        head.SetParameters(next);
    }
}
