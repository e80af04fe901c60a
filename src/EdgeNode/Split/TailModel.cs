using EdgeNode.Compression;
using EdgeNode.Compression.Split;
using EdgeNode.Inference;

namespace EdgeNode.Split;

/// <summary>
/// The tail half this node serves (<c>EdgeNode__Split__Role=tail</c>): the cut and its loaded session, or for JPEG
/// offload (<c>kind: jpeg</c>) the whole model behind its own pre-processing.
/// </summary>
internal sealed class TailModel : IDisposable
{
    private TailModel(SplitCut cut, TailSession? session, OnnxInferenceEngine? whole)
    {
        Cut = cut;
        Session = session;
        Whole = whole;
    }

    /// <summary>The cut, from split.json.</summary>
    public SplitCut Cut { get; }

    /// <summary>tail.onnx, loaded and warmed up (tensor cuts).</summary>
    public TailSession? Session { get; }

    /// <summary>
    /// JPEG offload: tail.onnx (the whole model) as the node's own engine, with the pre-processing of the model's entry
    /// in this node's <c>models/manifest.json</c> (decoding under its pixel limit, resizing, the mean image).
    /// </summary>
    public OnnxInferenceEngine? Whole { get; }

    /// <summary>Floats of one answer (the embedding).</summary>
    public int OutputLength => Whole?.Model.EmbeddingSize ?? Session!.OutputLength;

    /// <summary>Loads the cut's tail, checking its hash.</summary>
    /// <exception cref="ArgumentException">The tail cannot be loaded (names <c>EdgeNode:Split:Cut</c>; the node exits 78).</exception>
    public static TailModel Load(SplitCut cut, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cut);
        ArgumentNullException.ThrowIfNull(options);
        if (cut.IsJpeg)
        {
            return new TailModel(cut, null, LoadWhole(cut, options, logger));
        }

        try
        {
            return new TailModel(cut, TailSession.Open(cut.Folder, cut.Manifest, options.FixedThreads ?? Environment.ProcessorCount), null);
        }
        catch (CompressionException ex)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): {ex.Message}", ex);
        }
    }

    /// <summary>Why frames for <paramref name="modelSha256"/>/<paramref name="tailSha256"/> are refused here; null when this tail holds them.</summary>
    public string? Refusal(string modelSha256, string tailSha256)
    {
        var m = Cut.Manifest;
        return string.Equals(modelSha256, m.ModelSha256, StringComparison.OrdinalIgnoreCase) && string.Equals(tailSha256, m.TailSha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"This tail holds model {m.ModelSha256} {(Cut.IsJpeg ? "for JPEG offload" : $"cut at '{m.Cut!.Tensor}'")} (tail {m.TailSha256}); the frames are for model {Show(modelSha256)} (tail {Show(tailSha256)}). Give both boards the same split.json (edgenode split).";
    }

    public void Dispose()
    {
        Session?.Dispose();
        Whole?.Dispose();
    }

    private static OnnxInferenceEngine LoadWhole(SplitCut cut, InferenceOptions options, ILogger logger)
    {
        var m = cut.Manifest;
        var directory = OnnxInferenceEngine.ResolveModelsPath(options.ModelsPath);
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Load(directory);
        }
        catch (Exception ex) when (ex is ModelLoadException or IOException or InvalidDataException)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): a JPEG offload tail decodes frames with the model's own pre-processing, from its entry in {Path.Combine(directory, ModelManifest.FileName)}: {ex.Message}", ex);
        }

        var whole = manifest.Models.FirstOrDefault(e => string.Equals(e.Sha256, m.ModelSha256, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): split.json offloads '{m.Model}' (SHA-256 {m.ModelSha256}), which is not in {Path.Combine(directory, ModelManifest.FileName)} (it has {string.Join(", ", manifest.Models.Select(e => $"{e.Id} {e.Sha256[..12]}"))}); a JPEG offload tail needs the model's entry for its pre-processing.");
        try
        {
            return OnnxInferenceEngine.Load(directory, whole with { Id = whole.Id + "-tail", File = cut.PathOf(m.Tail!), Sha256 = m.TailSha256! }, options, logger);
        }
        catch (ModelLoadException ex)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): {ex.Message}", ex);
        }
    }

    private static string Show(string sha) => string.IsNullOrEmpty(sha) ? "(none)" : sha;
}
