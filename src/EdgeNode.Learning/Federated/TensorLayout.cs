namespace EdgeNode.Learning.Federated;

/// <summary>The lengths of the tensors that make up a head's flat parameter vector, in order (int8 scales are per tensor).</summary>
public static class TensorLayout
{
    /// <summary>[W1, b1] when the head has a hidden layer, then [W, b].</summary>
    public static int[] Of(HeadModel head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var c = head.Classes.Count;
        return head.HiddenSize > 0
            ? [head.HiddenSize * head.InputSize, head.HiddenSize, c * head.HiddenSize, c]
            : [c * head.InputSize, c];
    }

    /// <summary>Checks that <paramref name="tensors"/> are positive and add up to <paramref name="total"/>.</summary>
    /// <exception cref="ArgumentException">They do not.</exception>
    public static void Check(ReadOnlySpan<int> tensors, int total)
    {
        long sum = 0;
        foreach (var t in tensors)
        {
            if (t <= 0)
            {
                throw new ArgumentException("Tensor lengths must be positive.", nameof(tensors));
            }

            sum += t;
        }

        if (sum != total)
        {
            throw new ArgumentException($"Tensor lengths add up to {sum}, not {total}.", nameof(tensors));
        }
    }
}
