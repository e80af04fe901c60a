using System.Security.Cryptography;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// The checks a model passes before it is written and after its shadow run, each refusing with its own code:
/// signature and size limit, the bytes (size, SHA-256), the tensors against the node, the shadow-run thresholds.
/// Owns the trusted keys.
/// </summary>
public sealed class UpdateChecks(TrustedModelKeys keys, ModelUpdateOptions options) : IDisposable
{
    /// <summary>Number of trusted keys.</summary>
    public int TrustedKeys => keys.Count;

    /// <summary>The signature over the canonical manifest, then the size limit; returns the signing key's name.</summary>
    /// <exception cref="ModelUpdateException"><c>bad_signature</c>, <c>model_too_large</c>.</exception>
    public string Manifest(SignedManifest update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var keyId = keys.Verify(update);
        if (update.Manifest.Size > options.MaxModelBytes)
        {
            throw new ModelUpdateException(ModelUpdateErrors.ModelTooLarge, $"The model has {update.Manifest.Size} bytes; at most {options.MaxModelBytes} are accepted (EdgeNode:Models:MaxModelBytes).");
        }

        return keyId;
    }

    /// <summary>
    /// Not lower than the highest version of its name that <paramref name="state"/> records, unless a trusted key signed
    /// the manifest's downgrade override.
    /// </summary>
    /// <exception cref="ModelUpdateException"><c>downgrade</c>, <c>key_not_allowed</c>.</exception>
    public void Version(SignedManifest update, ModelState state)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(state);
        if (state.HighestOf(update.Manifest.Name) is { } highest && ModelVersionOrder.Compare(update.Manifest.Version, highest) < 0)
        {
            keys.VerifyDowngrade(update, highest);
        }
    }

    /// <summary>The file at <paramref name="path"/> has the manifest's size and SHA-256.</summary>
    /// <exception cref="ModelUpdateException"><c>size_mismatch</c>, <c>hash_mismatch</c>, <c>storage_failed</c> (unreadable).</exception>
    public static async Task BytesAsync(UpdateManifest manifest, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        long length;
        string sha256;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            length = stream.Length;
            sha256 = length == manifest.Size ? Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)) : string.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelUpdateException(ModelUpdateErrors.StorageFailed, $"'{path}' cannot be read: {ex.Message}", ex);
        }

        if (length != manifest.Size)
        {
            throw new ModelUpdateException(ModelUpdateErrors.SizeMismatch, $"The model has {length} bytes; the manifest says {manifest.Size}.");
        }

        if (sha256 != manifest.Sha256)
        {
            throw new ModelUpdateException(ModelUpdateErrors.HashMismatch, $"The model's SHA-256 is {sha256}; the manifest says {manifest.Sha256}: tampered or corrupt.");
        }
    }

    /// <summary>The input is what the node's pre-processing makes, and the output is as long as the running embedding.</summary>
    /// <exception cref="ModelUpdateException"><c>spec_mismatch</c>.</exception>
    public static void Spec(UpdateManifest manifest, TensorSpec input, int embeddingSize)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(input);
        if (!manifest.Input.Shape.SequenceEqual(input.Shape))
        {
            throw new ModelUpdateException(ModelUpdateErrors.SpecMismatch, $"The input is [{string.Join(",", manifest.Input.Shape)}]; this node's pre-processing makes [{string.Join(",", input.Shape)}].");
        }

        var outputs = manifest.Output.Shape.Aggregate(1L, (a, d) => Math.Min(a * d, int.MaxValue + 1L));
        if (outputs != embeddingSize)
        {
            throw new ModelUpdateException(ModelUpdateErrors.SpecMismatch, $"The output has {outputs} values; this node's embedding has {embeddingSize} (its head and samples would be invalid).");
        }
    }

    /// <summary>The shadow run reached <c>MinShadowCosine</c> and <c>MinHeadAgreement</c> (a check set to 0 is off; one without data is skipped).</summary>
    /// <exception cref="ModelUpdateException"><c>shadow_rejected</c>.</exception>
    public void Shadow(ShadowReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (options.MinShadowCosine > 0 && report.MeanCosine < options.MinShadowCosine)
        {
            throw new ModelUpdateException(ModelUpdateErrors.ShadowRejected, $"Mean embedding cosine {report.MeanCosine:F4} over {report.Frames} frames is below {options.MinShadowCosine} (EdgeNode:Models:MinShadowCosine).");
        }

        if (options.MinHeadAgreement > 0 && report.HeadAgreement < options.MinHeadAgreement)
        {
            throw new ModelUpdateException(ModelUpdateErrors.ShadowRejected, $"The head agrees on {report.HeadAgreement:P1} of {report.Frames} frames, below {options.MinHeadAgreement:P1} (EdgeNode:Models:MinHeadAgreement).");
        }
    }

    /// <inheritdoc />
    public void Dispose() => keys.Dispose();
}
