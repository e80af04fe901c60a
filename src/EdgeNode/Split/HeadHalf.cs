using EdgeNode.Inference;

namespace EdgeNode.Split;

/// <summary>
/// head.onnx as an engine of its own: the whole model's entry in <c>models/manifest.json</c> (same input, same
/// pre-processing) with the head's file and hash and the cut tensor as its output, so the head runs behind exactly the
/// pre-processing the whole model gets locally.
/// </summary>
internal static class HeadHalf
{
    /// <exception cref="ArgumentException">The cut's model is not in the node's manifest (names <c>EdgeNode:Split:Cut</c>; exit 78).</exception>
    /// <exception cref="ModelLoadException">head.onnx is missing, replaced or does not load.</exception>
    public static OnnxInferenceEngine Load(SplitCut cut, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cut);
        ArgumentNullException.ThrowIfNull(options);
        var directory = OnnxInferenceEngine.ResolveModelsPath(options.ModelsPath);
        var manifest = ModelManifest.Load(directory);
        var m = cut.Manifest;
        var whole = manifest.Models.FirstOrDefault(e => string.Equals(e.Sha256, m.ModelSha256, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): split.json was cut from '{m.Model}' (SHA-256 {m.ModelSha256}), which is not in {Path.Combine(directory, ModelManifest.FileName)} (it has {string.Join(", ", manifest.Models.Select(e => $"{e.Id} {e.Sha256[..12]}"))}); cut the model this node runs.");
        if (whole.Input.Name != m.Input)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): split.json's input is '{m.Input}', but '{whole.Id}' reads '{whole.Input.Name}'.");
        }

        var entry = whole with
        {
            Id = whole.Id + "-head",
            File = cut.PathOf(m.Head!),
            Sha256 = m.HeadSha256!,
            Output = new TensorSpec(m.Cut!.Tensor, [.. m.Cut.Shape.Select(d => (int)d)]),
        };
        return OnnxInferenceEngine.Load(directory, entry, options, logger);
    }
}
