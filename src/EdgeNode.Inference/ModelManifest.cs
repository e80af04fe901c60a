using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeNode.Core;

namespace EdgeNode.Inference;

/// <summary>
/// <c>models/manifest.json</c>: every model the node may load, with its SHA-256, tensor names and
/// shapes and its pre-processing. A model file is only loaded after its hash was checked against it.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>File name of the manifest inside the models directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The models, in order of preference when none is configured (int8 before fp32).</summary>
    public required IReadOnlyList<ModelEntry> Models { get; init; }

    /// <summary>Reads and validates <c>manifest.json</c> in <paramref name="modelsDirectory"/>.</summary>
    /// <exception cref="ModelLoadException">Missing, unreadable or invalid manifest.</exception>
    public static ModelManifest Load(string modelsDirectory)
    {
        var path = Path.Combine(modelsDirectory, FileName);
        ModelManifest? manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ModelLoadException($"Cannot read the model manifest '{path}': {ex.Message}", ex);
        }

        if (manifest is null || manifest.Models.Count == 0)
        {
            throw new ModelLoadException($"The model manifest '{path}' lists no models.");
        }

        foreach (var model in manifest.Models)
        {
            model.Validate(path);
        }

        return manifest;
    }

    /// <summary>The entry with <paramref name="id"/>.</summary>
    /// <exception cref="ModelLoadException">No such entry.</exception>
    public ModelEntry Get(string id) =>
        Models.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal))
        ?? throw new ModelLoadException($"Model '{id}' is not in the manifest (known: {string.Join(", ", Models.Select(m => m.Id))}).");

    /// <summary>Computes the lowercase hex SHA-256 of a file.</summary>
    public static string ComputeSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>One model in the manifest.</summary>
public sealed record ModelEntry
{
    /// <summary>Stable id reported in results and telemetry.</summary>
    public required string Id { get; init; }

    /// <summary>File name relative to the models directory.</summary>
    public required string File { get; init; }

    /// <summary>Lowercase hex SHA-256 of the file.</summary>
    public required string Sha256 { get; init; }

    /// <summary><c>fp32</c> or <c>int8</c>.</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Version reported with <see cref="Id"/> (set for models installed by a signed update).</summary>
    public string? Version { get; init; }

    /// <summary>Input tensor.</summary>
    public required TensorSpec Input { get; init; }

    /// <summary>Output (embedding) tensor.</summary>
    public required TensorSpec Output { get; init; }

    /// <summary>How frames become the input tensor.</summary>
    public required PreprocessingSpec Preprocessing { get; init; }

    /// <summary><see cref="ModelInfo.Packaged"/>, or <see cref="ModelInfo.Installed"/> for the entry of a signed update (not in the manifest's JSON).</summary>
    [JsonIgnore]
    public string Source { get; init; } = ModelInfo.Packaged;

    /// <summary>This entry as the node describes a model, running on <paramref name="executionProvider"/> (empty when not loaded).</summary>
    public ModelInfo Describe(string executionProvider) => new(Id, Sha256, executionProvider, Output.ElementCount, Version, Source);

    internal void Validate(string manifestPath)
    {
        if (string.IsNullOrWhiteSpace(Id) || string.IsNullOrWhiteSpace(File) || Sha256 is not { Length: 64 })
        {
            throw new ModelLoadException($"Manifest '{manifestPath}': model '{Id}' needs an id, a file and a 64-hex-digit sha256.");
        }

        if (Input.Shape is not [1, 3, var h, var w] || h != w || h != Preprocessing.Size)
        {
            throw new ModelLoadException($"Manifest '{manifestPath}': model '{Id}' input must be [1,3,S,S] with S = preprocessing.size.");
        }

        if (Preprocessing.ChannelOrder is not ("RGB" or "BGR"))
        {
            throw new ModelLoadException($"Manifest '{manifestPath}': model '{Id}' channelOrder must be RGB or BGR.");
        }
    }
}

/// <summary>A tensor's name and shape.</summary>
/// <param name="Name">Graph input or output name.</param>
/// <param name="Shape">Dimensions.</param>
public sealed record TensorSpec(string Name, IReadOnlyList<int> Shape)
{
    /// <summary>Number of elements.</summary>
    [JsonIgnore]
    public int ElementCount => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>Pre-processing of a model: resize the shorter side to <see cref="Size"/>, centre crop, reorder, subtract the mean.</summary>
/// <param name="Size">Square input size.</param>
/// <param name="ChannelOrder"><c>RGB</c> or <c>BGR</c> plane order of the input tensor.</param>
/// <param name="Range">Pixel scale: 255 keeps 0..255 values, 1 scales to 0..1.</param>
/// <param name="MeanModel">ONNX model (relative to the models directory) whose output for an all-zero RGB input is minus the mean image, as in ML.NET's <c>ResNetPreprocess.onnx</c>.</param>
/// <param name="MeanModelSha256">Lowercase hex SHA-256 of <paramref name="MeanModel"/>.</param>
public sealed record PreprocessingSpec(int Size, string ChannelOrder, float Range, string MeanModel, string MeanModelSha256);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
