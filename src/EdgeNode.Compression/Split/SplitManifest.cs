using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeNode.Common;

namespace EdgeNode.Compression.Split;

/// <summary>
/// <c>split.json</c>, the contract between a head board and a tail board (docs/split.md): which model was cut,
/// where, and how the activation crosses the link. Both boards check <see cref="ModelSha256"/> and
/// <see cref="Cut"/> before exchanging a frame.
/// </summary>
/// <param name="Version">Format version, 1.</param>
/// <param name="Model">File name of the whole model that was cut.</param>
/// <param name="ModelSha256">SHA-256 (hex) of the whole model's bytes.</param>
/// <param name="Input">The whole model's (and the head's) input tensor.</param>
/// <param name="Output">The whole model's (and the tail's) output tensor.</param>
/// <param name="Kind"><c>tensor</c> (head and tail), <c>jpeg</c> (the tail runs everything on the encoded frame) or <c>none</c> (all local).</param>
/// <param name="Cut">The activation that crosses, for <c>tensor</c>; null otherwise.</param>
/// <param name="Head">The head model's file name in the manifest's folder, for <c>tensor</c>.</param>
/// <param name="HeadSha256">SHA-256 of the head model.</param>
/// <param name="Tail">The tail model's file name, for <c>tensor</c> and <c>jpeg</c>.</param>
/// <param name="TailSha256">SHA-256 of the tail model.</param>
public sealed record SplitManifest(
    int Version,
    string Model,
    string ModelSha256,
    string Input,
    string Output,
    string Kind,
    SplitActivation? Cut,
    string? Head,
    string? HeadSha256,
    string? Tail,
    string? TailSha256)
{
    /// <summary>The manifest's file name in a split folder.</summary>
    public const string FileName = "split.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = SplitJsonContext.Default,
    };

    /// <summary>Reads <paramref name="path"/> (a <c>split.json</c>).</summary>
    /// <exception cref="CompressionException">Missing, unreadable or not a version-1 split manifest.</exception>
    public static SplitManifest Load(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<SplitManifest>(File.ReadAllBytes(path), s_json);
            return manifest is { Version: 1, Kind: "tensor" or "jpeg" or "none" } && (manifest.Kind != "tensor" || manifest.Cut is not null)
                ? manifest
                : throw new CompressionException($"'{path}' is not a version-1 split manifest (version, kind and cut).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CompressionException($"Cannot read the split manifest '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, s_json));
}

/// <summary>Source-generated JSON of <see cref="SplitManifest"/>.</summary>
[JsonSerializable(typeof(SplitManifest))]
internal sealed partial class SplitJsonContext : JsonSerializerContext;
