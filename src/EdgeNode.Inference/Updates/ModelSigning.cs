using System.Security.Cryptography;
using System.Text.Json;
using EdgeNode.Common;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference.Updates;

/// <summary>The publisher's side of model updates: describe an ONNX file in a manifest and sign it (<c>edgenode model sign</c>).</summary>
public static class ModelSigning
{
    /// <summary>
    /// A manifest for the ONNX file at <paramref name="modelPath"/>: its size and SHA-256, and its single input and output
    /// as the file declares them (dynamic dimensions written as 1) unless <paramref name="input"/>/<paramref name="output"/> are given.
    /// </summary>
    /// <exception cref="ModelUpdateException">A value the node would refuse, or tensors that cannot be read from the file.</exception>
    public static UpdateManifest Describe(string modelPath, string name, string version, string precision, TensorSpec? input, TensorSpec? output)
    {
        long size;
        string sha256;
        using (var stream = File.OpenRead(modelPath))
        {
            size = stream.Length;
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (input is null || output is null)
        {
            try
            {
                using var session = new InferenceSession(modelPath);
                input ??= Single(session.InputMetadata, "input");
                output ??= Single(session.OutputMetadata, "output");
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelUpdateException($"ONNX Runtime cannot read the tensors of '{modelPath}' ({ex.Message}); give --input and --output.", ex);
            }
        }

        // Through the node's own parser, so that nothing is signed that a node would refuse.
        var manifest = new UpdateManifest(name, version, sha256, size, precision, input, output);
        using var document = JsonDocument.Parse(manifest.ToCanonicalJson());
        return UpdateManifest.Parse(document.RootElement);
    }

    /// <summary>Signs <paramref name="manifest"/>'s canonical bytes.</summary>
    public static SignedManifest Sign(UpdateManifest manifest, EcdsaSigner signer)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(signer);
        var signature = new byte[EcdsaSigner.SignatureLength];
        var length = signer.Sign(manifest.ToCanonicalJson(), signature);
        return new SignedManifest(manifest, signature.AsMemory(0, length));
    }

    /// <summary>
    /// <paramref name="update"/> with the operator's downgrade override signed by <paramref name="signer"/>: the node
    /// then installs it even when it already ran a higher version of the same name (docs/models.md).
    /// </summary>
    public static SignedManifest SignDowngrade(SignedManifest update, EcdsaSigner signer)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(signer);
        var signature = new byte[EcdsaSigner.SignatureLength];
        var length = signer.Sign(update.DowngradePayload(), signature);
        return update with { Downgrade = signature.AsMemory(0, length) };
    }

    private static TensorSpec Single(IReadOnlyDictionary<string, NodeMetadata> metadata, string kind)
    {
        if (metadata.Count != 1)
        {
            throw new ModelUpdateException($"The model has {metadata.Count} {kind}s ({string.Join(", ", metadata.Keys)}); name the one to use with --{kind} NAME:D1,D2,….");
        }

        var (name, node) = metadata.First();
        return new TensorSpec(name, [.. node.Dimensions.Select(d => d > 0 ? d : 1)]);
    }
}
