namespace EdgeNode.Learning.Federated;

/// <summary>Chosen codec and, for <see cref="DeltaCodec.TopK"/>, the fraction of values kept.</summary>
/// <param name="Codec">The codec.</param>
/// <param name="TopKFraction">Fraction kept by top-k, in (0, 1].</param>
public readonly record struct CodecSettings(DeltaCodec Codec, float TopKFraction = 0.1f)
{
    /// <summary>Parses <c>none|float|int8|topk:F</c>.</summary>
    /// <exception cref="FormatException">Not one of those.</exception>
    public static CodecSettings Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text is "none" or "float")
        {
            return new CodecSettings(DeltaCodec.Dense);
        }

        if (text == "int8")
        {
            return new CodecSettings(DeltaCodec.QuantizedInt);
        }

        if (text.StartsWith("topk:", StringComparison.Ordinal)
            && float.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var f)
            && f is > 0 and <= 1)
        {
            return new CodecSettings(DeltaCodec.TopK, f);
        }

        throw new FormatException($"Unknown compression '{text}': expected none, int8 or topk:F with 0 < F <= 1.");
    }

    /// <inheritdoc />
    public override string ToString() => Codec switch
    {
        DeltaCodec.QuantizedInt => "int8",
        DeltaCodec.TopK => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"topk:{TopKFraction}"),
        _ => "none",
    };
}
