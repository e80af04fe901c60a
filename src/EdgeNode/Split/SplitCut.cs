using EdgeNode.Compression;
using EdgeNode.Compression.Split;

namespace EdgeNode.Split;

/// <summary>The cut this node was configured with (<c>EdgeNode:Split:Cut</c>): split.json and the folder its halves are in.</summary>
/// <param name="Folder">The folder holding split.json, head.onnx and tail.onnx.</param>
/// <param name="Manifest">split.json.</param>
internal sealed record SplitCut(string Folder, SplitManifest Manifest)
{
    /// <summary>The activation that crosses (a float tensor cut).</summary>
    public SplitActivation Activation => Manifest.Cut!;

    /// <summary>True for JPEG offload (<c>kind: jpeg</c>): the head sends the encoded frame, tail.onnx is the whole model.</summary>
    public bool IsJpeg => Manifest.Kind == "jpeg";

    /// <summary>What crosses, for logs and discovery: the cut tensor, or <c>(jpeg offload)</c>.</summary>
    public string Name => IsJpeg ? "(jpeg offload)" : Activation.Tensor;

    /// <summary>Floats per activation.</summary>
    public int Elements => (int)Activation.Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The int8 wire form's scale.</summary>
    public float Scale => Activation.Scale ?? 1f;

    /// <summary>The int8 wire form's zero point.</summary>
    public byte ZeroPoint => (byte)(Activation.ZeroPoint ?? 0);

    /// <summary>
    /// Reads split.json at <paramref name="path"/> (the file, or the folder holding it) and checks it is a float tensor
    /// cut with both halves named, or a JPEG offload with its tail (the whole model) named: what this node can stream.
    /// </summary>
    /// <exception cref="ArgumentException">Anything else, naming <c>EdgeNode:Split:Cut</c> (the node exits 78).</exception>
    public static SplitCut Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, SplitManifest.FileName) : path;
        SplitManifest manifest;
        try
        {
            manifest = SplitManifest.Load(file);
        }
        catch (CompressionException ex)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): {ex.Message}", ex);
        }

        if (manifest is { Kind: "jpeg", Tail: not null, TailSha256: not null })
        {
            if (!string.Equals(manifest.TailSha256, manifest.ModelSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): '{file}' is a 'jpeg' split whose tail ({manifest.TailSha256}) is not the whole model ({manifest.ModelSha256}); write it again with edgenode split --at jpeg.");
            }
        }
        else if (manifest is not { Kind: "tensor", Cut: { Dtype: "float", Scale: > 0, ZeroPoint: >= 0 and <= 255 }, Head: not null, HeadSha256: not null, Tail: not null, TailSha256: not null })
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): '{file}' is a '{manifest.Kind}' split with a {manifest.Cut?.Dtype ?? "missing"} cut tensor; the node streams float tensor cuts with their int8 scale and zero point (edgenode split --at <tensor>) or offloads the JPEG (edgenode split --at jpeg).");
        }

        return new SplitCut(Path.GetDirectoryName(Path.GetFullPath(file))!, manifest);
    }

    /// <summary>The full path of a half named in split.json.</summary>
    public string PathOf(string file) => Path.Combine(Folder, file);
}
