using System.Buffers;
using System.Text.Json;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// A manifest and its ECDSA P-256 signature over <see cref="UpdateManifest.ToCanonicalJson"/>; on the wire and on disk
/// <c>{"manifest": {…}, "signature": "&lt;base64&gt;"}</c> (the members of an <c>install</c> or <c>begin</c> command), with
/// <c>"downgrade": "&lt;base64&gt;"</c> when the operator signed an override for an older version.
/// </summary>
/// <param name="Manifest">The signed manifest.</param>
/// <param name="Signature">IEEE P1363 (r‖s, 64 bytes) or DER signature.</param>
public sealed record SignedManifest(UpdateManifest Manifest, ReadOnlyMemory<byte> Signature)
{
    /// <summary>Longest signature accepted (a DER P-256 signature is at most 72 bytes).</summary>
    public const int MaxSignatureBytes = 80;

    private static readonly byte[] DowngradePrefix = "edgenode-model-downgrade\n"u8.ToArray();

    /// <summary>
    /// The operator's override (member <c>downgrade</c>): a signature by a trusted key over <see cref="DowngradePayload"/>
    /// that lets this one manifest replace a higher version of its name. Null: no override.
    /// </summary>
    public ReadOnlyMemory<byte>? Downgrade { get; init; }

    /// <summary>What a downgrade override signs: a fixed prefix, then the canonical manifest (so it never doubles as the manifest's signature).</summary>
    public byte[] DowngradePayload() => [.. DowngradePrefix, .. Manifest.ToCanonicalJson()];

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

        ReadOnlyMemory<byte>? downgrade = null;
        if (json.TryGetProperty("downgrade", out var over))
        {
            if (over.ValueKind != JsonValueKind.String || !over.TryGetBytesFromBase64(out var overBytes) || overBytes.Length is 0 or > MaxSignatureBytes)
            {
                throw new ModelUpdateException($"'downgrade' must be a base64 string of 1 to {MaxSignatureBytes} bytes.");
            }

            downgrade = overBytes;
        }

        return new SignedManifest(UpdateManifest.Parse(manifest), bytes) { Downgrade = downgrade };
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
            if (Downgrade is { } downgrade)
            {
                w.WriteBase64String("downgrade", downgrade.Span);
            }

            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
