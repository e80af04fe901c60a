namespace EdgeNode.Compression.Inputs;

/// <summary>
/// Builds one input sample for any model from its declared inputs: open dimensions from <c>--shape</c> (a symbol
/// such as <c>sequence</c> given for one input applies to every input that shares it; others are 1), values from
/// <c>--input</c> fills or the defaults: random floats, ones for a mask (<c>attention_mask</c>), zeros for other
/// integer inputs (<c>token_type_ids</c>), true for booleans.
/// </summary>
internal static class InputSynthesizer
{
    /// <summary>Resolves shapes and fills, then creates the tensors.</summary>
    /// <exception cref="ArgumentException">A <c>--shape</c> or <c>--input</c> that names no input, a shape of the wrong rank or
    /// against a fixed dimension, or <c>tokens:V</c> on an input that is not an integer tensor.</exception>
    public static InputSample Create(
        IReadOnlyList<ModelInput> inputs,
        IReadOnlyDictionary<string, long[]> shapes,
        IReadOnlyDictionary<string, InputFill> fills,
        int seed = 7)
    {
        var shapesUsed = Resolve(inputs, shapes, fills);
        var random = new Random(seed);
        var tensors = new List<InputTensor>(inputs.Count);
        foreach (var input in inputs)
        {
            var shape = shapesUsed[input.Name];
            var fill = FillOf(input, fills);
            var length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
            tensors.Add(new InputTensor(input.Name, shape, ElementTypes.Create(input.ElementType, length, i => fill.Value(i, random))));
        }

        return new InputSample(tensors, "synthesized");
    }

    /// <summary>What each input is filled with (the report prints it).</summary>
    public static InputFill FillOf(ModelInput input, IReadOnlyDictionary<string, InputFill> fills)
    {
        if (fills.TryGetValue(input.Name, out var fill))
        {
            return fill;
        }

        if (input.ElementType == ElementTypes.Bool)
        {
            return InputFill.Ones;
        }

        return !input.IsInteger ? InputFill.Random
            : input.Name.Contains("mask", StringComparison.OrdinalIgnoreCase) ? InputFill.Ones
            : InputFill.Zeros;
    }

    private static Dictionary<string, long[]> Resolve(IReadOnlyList<ModelInput> inputs, IReadOnlyDictionary<string, long[]> shapes, IReadOnlyDictionary<string, InputFill> fills)
    {
        var byName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var known = string.Join(", ", inputs.Select(i => i.Name));
        foreach (var name in shapes.Keys.Concat(fills.Keys).Where(n => !byName.ContainsKey(n)))
        {
            throw new ArgumentException($"The model has no input '{name}' (its inputs: {known}).");
        }

        foreach (var (name, fill) in fills)
        {
            var input = byName[name];
            if (!ElementTypes.IsSupported(input.ElementType))
            {
                throw new ArgumentException($"Input '{name}' is {input.TypeName}; bench feeds float, double, int64, int32, int16, int8, uint8 and bool.");
            }

            if (fill.Kind == "tokens" && !input.IsInteger)
            {
                throw new ArgumentException($"--input {name}={fill}: token ids need an integer input, but '{name}' is {input.TypeName}.");
            }
        }

        var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, dims) in shapes)
        {
            var input = byName[name];
            if (input.Dims.Length != dims.Length)
            {
                throw new ArgumentException($"--shape {name}: the input has {input.Dims.Length} dimensions [{Describe(input)}]; got {dims.Length}.");
            }

            for (var d = 0; d < dims.Length; d++)
            {
                if (input.Dims[d] > 0 && input.Dims[d] != dims[d])
                {
                    throw new ArgumentException($"--shape {name}: dimension {d} is fixed at {input.Dims[d]} [{Describe(input)}]; got {dims[d]}.");
                }

                if (input.Symbols[d] is { } symbol)
                {
                    if (symbols.TryGetValue(symbol, out var other) && other != dims[d])
                    {
                        throw new ArgumentException($"--shape gives the dimension '{symbol}' two values ({other} and {dims[d]}).");
                    }

                    symbols[symbol] = dims[d];
                }
            }
        }

        return inputs.ToDictionary(
            i => i.Name,
            i => shapes.TryGetValue(i.Name, out var given) ? given
                : [.. i.Dims.Select((d, k) => d > 0 ? d : i.Symbols[k] is { } s && symbols.TryGetValue(s, out var v) ? v : 1)],
            StringComparer.Ordinal);
    }

    private static string Describe(ModelInput input) =>
        string.Join(",", input.Dims.Select((d, k) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : input.Symbols[k] ?? "?"));
}
