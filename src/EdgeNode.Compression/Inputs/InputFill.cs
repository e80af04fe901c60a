using System.Globalization;

namespace EdgeNode.Compression.Inputs;

/// <summary>
/// How <c>bench</c> fills one input (<c>--input NAME=FILL</c>): <c>tokens:V</c> (integer ids uniform in [0, V), a
/// vocabulary of V), <c>ones</c>, <c>zeros</c> or <c>random</c> (uniform in [-1, 1]).
/// </summary>
/// <param name="Kind">tokens, ones, zeros or random.</param>
/// <param name="Vocabulary">For tokens: the vocabulary size.</param>
internal sealed record InputFill(string Kind, long Vocabulary = 0)
{
    public static readonly InputFill Ones = new("ones");
    public static readonly InputFill Zeros = new("zeros");
    public static readonly InputFill Random = new("random");

    /// <summary>Parses <c>NAME=FILL</c>.</summary>
    /// <exception cref="ArgumentException">Not NAME=FILL, an unknown fill, or a vocabulary size that is not a positive integer.</exception>
    public static (string Name, InputFill Fill) Parse(string text)
    {
        var (name, value) = SplitAssignment("--input", text, "NAME=tokens:V|ones|zeros|random");
        if (value.StartsWith("tokens:", StringComparison.Ordinal))
        {
            var size = value["tokens:".Length..];
            return long.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0
                ? (name, new InputFill("tokens", v))
                : throw new ArgumentException($"--input {text}: the vocabulary size must be a positive integer; got '{size}'.");
        }

        return value switch
        {
            "ones" => (name, Ones),
            "zeros" => (name, Zeros),
            "random" => (name, Random),
            _ => throw new ArgumentException($"--input {text}: unknown fill '{value}' (tokens:V, ones, zeros or random)."),
        };
    }

    /// <summary>Parses <c>NAME=D1xD2x…</c> (<c>--shape input_ids=1x128</c>).</summary>
    /// <exception cref="ArgumentException">Not NAME=dims, or a dimension that is not a positive integer.</exception>
    public static (string Name, long[] Dims) ParseShape(string text)
    {
        var (name, value) = SplitAssignment("--shape", text, "NAME=D1xD2…");
        var parts = value.Split('x');
        var dims = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
            {
                throw new ArgumentException($"--shape {text}: dimensions must be positive integers separated by 'x' (input_ids=1x128).");
            }
        }

        return (name, dims);
    }

    /// <summary>The value at element <paramref name="index"/>.</summary>
    public double Value(int index, System.Random random) => Kind switch
    {
        "tokens" => random.NextInt64(Vocabulary),
        "ones" => 1,
        "zeros" => 0,
        _ => (random.NextDouble() * 2) - 1,
    };

    /// <inheritdoc />
    public override string ToString() => Kind == "tokens" ? string.Create(CultureInfo.InvariantCulture, $"tokens:{Vocabulary}") : Kind;

    private static (string Name, string Value) SplitAssignment(string option, string text, string form)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && at < text.Length - 1
            ? (text[..at], text[(at + 1)..])
            : throw new ArgumentException($"{option} takes {form}; got '{text}'.");
    }
}
