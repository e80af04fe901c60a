namespace EdgeNode.Compression.Inputs;

/// <summary>
/// Input samples read from a folder of tensor files: one file per model input, named after it
/// (<c>input_ids.npy</c>, <c>attention_mask.json</c>). The folder itself holds one sample, or each of its
/// sub-folders holds one (taken in name order).
/// </summary>
internal static class TensorSamples
{
    private static readonly string[] s_extensions = [".npy", ".json"];

    /// <summary>True when <paramref name="directory"/> or one of its sub-folders holds tensor files.</summary>
    public static bool Contains(string directory) =>
        Directory.Exists(directory)
        && (HasTensorFiles(directory) || Directory.EnumerateDirectories(directory).Any(HasTensorFiles));

    /// <summary>Reads up to <paramref name="limit"/> samples, each checked against the model's inputs.</summary>
    /// <exception cref="CompressionException">Missing folder, no samples, a file that names no input, a missing input, or a wrong element type.</exception>
    public static IReadOnlyList<InputSample> Load(string directory, IReadOnlyList<ModelInput> inputs, int limit = int.MaxValue)
    {
        if (!Directory.Exists(directory))
        {
            throw new CompressionException($"The tensor folder '{directory}' does not exist.");
        }

        try
        {
            var folders = HasTensorFiles(directory)
                ? [directory]
                : Directory.EnumerateDirectories(directory).Where(HasTensorFiles).Order(StringComparer.Ordinal).ToList();
            if (folders.Count == 0)
            {
                throw new CompressionException($"'{directory}' holds no tensor files (<input name>.npy or .json), neither itself nor in sub-folders.");
            }

            return [.. folders.Take(limit).Select(f => LoadSample(f, inputs))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException($"Cannot read the tensor folder '{directory}': {ex.Message}", ex);
        }
    }

    private static InputSample LoadSample(string folder, IReadOnlyList<ModelInput> inputs)
    {
        var files = Directory.EnumerateFiles(folder).Where(IsTensorFile).ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal);
        foreach (var name in files.Keys.Where(n => inputs.All(i => i.Name != n)))
        {
            throw new CompressionException($"'{files[name]}' names no model input (the inputs: {string.Join(", ", inputs.Select(i => i.Name))}).");
        }

        var tensors = new List<InputTensor>(inputs.Count);
        foreach (var input in inputs)
        {
            if (!files.TryGetValue(input.Name, out var file))
            {
                throw new CompressionException($"'{folder}' has no tensor for the input '{input.Name}' ({input.Name}.npy or {input.Name}.json).");
            }

            var (shape, data) = file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? NpyFile.Read(file) : JsonTensorFile.Read(file, input.ElementType);
            if (ElementTypes.Of(data) != input.ElementType)
            {
                throw new CompressionException($"'{file}' holds {ElementTypes.Name(ElementTypes.Of(data))}; the input '{input.Name}' is {input.TypeName}.");
            }

            var fits = shape.Length == input.Dims.Length && shape.Select((d, k) => input.Dims[k] <= 0 || input.Dims[k] == d).All(ok => ok);
            if (!fits)
            {
                throw new CompressionException($"'{file}' has shape [{string.Join(",", shape)}]; the input '{input.Name}' is [{string.Join(",", input.Dims.Select((d, k) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : input.Symbols[k] ?? "?"))}].");
            }

            tensors.Add(new InputTensor(input.Name, shape, data));
        }

        return new InputSample(tensors, folder);
    }

    private static bool HasTensorFiles(string folder) => Directory.EnumerateFiles(folder).Any(IsTensorFile);

    private static bool IsTensorFile(string path) => s_extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}
