using System.Buffers;
using System.Text.Json;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// A manifest and its ECDSA P-256 signature over <see cref="UpdateManifest.ToCanonicalJson"/>; on the wire and on disk
/// <c>{"manifest": {…}, "signature": "&lt;base64&gt;"}</c> (the members of an <c>install</c> or <c>begin</c> command).
/// </summary>
/// <param name="Manifest">The signed manifest.</param>
/// <param name="Signature">IEEE P1363 (r‖s, 64 bytes) or DER signature.</param>
public sealed record SignedManifest(UpdateManifest Manifest, ReadOnlyMemory<byte> Signature)
{
    /// <summary>Longest signature accepted (a DER P-256 signature is at most 72 bytes).</summary>
    public const int MaxSignatureBytes = 80;

    /// <summary>Reads the <c>manifest</c> and <c>signature</c> members of <paramref name="json"/> (other members are the caller's).</summary>
    /// <exception cref="ModelUpdateException"><c>invalid_argument</c>.</exception>
    public static SignedManifest Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("manifest", out var manifest))
        {
            throw new ModelUpdateException("'manifest' is required.");
        }

        if (!json.TryGetProperty("signature", out var signature) || signature.ValueKind != JsonValueKind.String
            || !signature.TryGetBytesFromBase64(out var bytes) || bytes.Length is 0 or > MaxSignatureBytes)
        {
            throw new ModelUpdateException($"'signature' must be a base64 string of 1 to {MaxSignatureBytes} bytes.");
        }

        return new SignedManifest(UpdateManifest.Parse(manifest), bytes);
    }

    /// <summary>Reads a signed manifest file written by <c>edgenode model sign</c>.</summary>
    /// <exception cref="ModelUpdateException">Not JSON, or not a signed manifest.</exception>
    public static SignedManifest Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ModelUpdateException("The signed manifest is not JSON: " + ex.Message, ex);
        }
    }

    /// <summary>The file form: <c>{"manifest": {…}, "signature": "…"}</c>, indented.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WritePropertyName("manifest");
            Manifest.WriteTo(w);
            w.WriteBase64String("signature", Signature.Span);
            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
