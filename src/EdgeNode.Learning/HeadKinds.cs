namespace EdgeNode.Learning;

/// <summary>The public names of <see cref="HeadKind"/> (configuration values, CLI flags, JSON keys).</summary>
public static class HeadKinds
{
    /// <summary>The node's default: exact, order-free and within a point of L-BFGS on CIFAR-10 at 100 and 400 samples per class (docs/benchmarks.md).</summary>
    public const HeadKind Default = HeadKind.Discriminant;

    /// <summary>Every kind, in reporting order.</summary>
    public static IReadOnlyList<HeadKind> All { get; } = [HeadKind.Discriminant, HeadKind.Softmax, HeadKind.DiscriminantSoftmax];

    /// <summary>The public name of <paramref name="kind"/>.</summary>
    public static string Name(HeadKind kind) => kind switch
    {
        HeadKind.Discriminant => "discriminant",
        HeadKind.Softmax => "softmax",
        HeadKind.DiscriminantSoftmax => "discriminant+softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses a public name (ordinal, case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? text, out HeadKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text?.Trim(), Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = Default;
        return false;
    }
}
