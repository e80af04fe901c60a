using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeNode.Core;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// What a model update promises, and what its signature covers: name, version, SHA-256 and size of the ONNX file,
/// precision, and the input and output tensors. The signature is over <see cref="ToCanonicalJson"/>: these members in
/// this order, no whitespace, strings limited to characters JSON never escapes, so any tool can reproduce the bytes.
/// </summary>
/// <param name="Name">Model id reported in results and telemetry (<c>[A-Za-z0-9][A-Za-z0-9._-]{0,63}</c>).</param>
/// <param name="Version">Version reported next to it (same characters).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the ONNX file.</param>
/// <param name="Size">Bytes of the ONNX file.</param>
/// <param name="Precision">Informational: <c>fp32</c>, <c>fp16</c>, <c>int8</c>… (<c>[a-z0-9]{1,16}</c>).</param>
/// <param name="Input">The input tensor's name and shape.</param>
/// <param name="Output">The output (embedding) tensor's name and shape.</param>
public sealed partial record UpdateManifest(string Name, string Version, string Sha256, long Size, string Precision, TensorSpec Input, TensorSpec Output)
{
    private const int MaxDimensions = 8;

    /// <summary>The transfer id of this model: the first 32 hex digits of its SHA-256 (also the chunk header's message id).</summary>
    public string TransferId => Sha256[..32];

    /// <summary>Reads a manifest object, rejecting unknown members and values outside the rules above.</summary>
    /// <exception cref="ModelUpdateException"><c>invalid_argument</c>.</exception>
    public static UpdateManifest Parse(JsonElement json)
    {
        RequireObject(json, "manifest", "name", "version", "sha256", "size", "precision", "input", "output");
        var size = json.GetProperty("size");
        if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes < 1)
        {
            throw new ModelUpdateException("'manifest.size' must be a positive integer (bytes).");
        }

        return new UpdateManifest(
            Text(json, "name", IdPattern()),
            Text(json, "version", IdPattern()),
            Text(json, "sha256", Sha256Pattern()),
            bytes,
            Text(json, "precision", PrecisionPattern()),
            Tensor(json.GetProperty("input"), "input"),
            Tensor(json.GetProperty("output"), "output"));
    }

    /// <summary>The canonical UTF-8 JSON the signature is computed over.</summary>
    public byte[] ToCanonicalJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteTo(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the manifest object (canonical member order).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("version", Version);
        writer.WriteString("sha256", Sha256);
        writer.WriteNumber("size", Size);
        writer.WriteString("precision", Precision);
        WriteTensor(writer, "input", Input);
        WriteTensor(writer, "output", Output);
        writer.WriteEndObject();
    }

    /// <summary>The manifest entry the engine loads: this model's file and tensors with the node's pre-processing.</summary>
    public ModelEntry ToEntry(string file, PreprocessingSpec preprocessing) => new()
    {
        Id = Name,
        Version = Version,
        File = file,
        Sha256 = Sha256,
        Precision = Precision,
        Input = Input,
        Output = Output,
        Preprocessing = preprocessing,
        Source = ModelInfo.Installed,
    };

    private static void WriteTensor(Utf8JsonWriter writer, string name, TensorSpec tensor)
    {
        writer.WriteStartObject(name);
        writer.WriteString("name", tensor.Name);
        writer.WriteStartArray("shape");
        foreach (var d in tensor.Shape)
        {
            writer.WriteNumberValue(d);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static TensorSpec Tensor(JsonElement json, string what)
    {
        RequireObject(json, "manifest." + what, "name", "shape");
        var name = Text(json, "name", TensorNamePattern(), "manifest." + what);
        var shape = json.GetProperty("shape");
        if (shape.ValueKind != JsonValueKind.Array || shape.GetArrayLength() is < 1 or > MaxDimensions)
        {
            throw new ModelUpdateException($"'manifest.{what}.shape' must be an array of 1 to {MaxDimensions} dimensions.");
        }

        var dims = new List<int>(shape.GetArrayLength());
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var n) || n is < 1 or > 65536)
            {
                throw new ModelUpdateException($"'manifest.{what}.shape' dimensions must be integers from 1 to 65536.");
            }

            dims.Add(n);
        }

        return new TensorSpec(name, dims);
    }

    private static string Text(JsonElement json, string name, Regex pattern, string where = "manifest")
    {
        var value = json.GetProperty(name);
        string? text = null;
        try
        {
            text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            // Bytes that are not UTF-8 inside the string (found by fuzzing): as wrong as any other value.
        }

        return text is not null && pattern.IsMatch(text)
            ? text
            : throw new ModelUpdateException($"'{where}.{name}' must be a string matching {pattern}.");
    }

    private static void RequireObject(JsonElement json, string what, params string[] members)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ModelUpdateException($"'{what}' must be a JSON object.");
        }

        var seen = new bool[members.Length];
        foreach (var property in json.EnumerateObject())
        {
            var index = Array.FindIndex(members, property.NameEquals);
            if (index < 0)
            {
                throw new ModelUpdateException($"Unknown field '{what}.{NameOf(property)}'.");
            }

            if (seen[index])
            {
                throw new ModelUpdateException($"Field '{what}.{NameOf(property)}' appears twice.");
            }

            seen[index] = true;
        }

        var missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw new ModelUpdateException($"'{what}.{members[missing]}' is required.");
        }
    }

    private static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return "(not UTF-8)";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}\\z")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[a-z0-9]{1,16}\\z")]
    private static partial Regex PrecisionPattern();

    [GeneratedRegex("^[A-Za-z0-9._:/-]{1,128}\\z")]
    private static partial Regex TensorNamePattern();
}
