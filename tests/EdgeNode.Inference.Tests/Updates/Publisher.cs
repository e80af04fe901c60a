using EdgeNode.Common;
using EdgeNode.Inference.Updates;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>A model publisher for tests: a real P-256 key pair that signs manifests of real files.</summary>
internal sealed class Publisher : IDisposable
{
    public static readonly TensorSpec Input = new("Input247", [1, 3, 224, 224]);
    public static readonly TensorSpec Output = new("Pooling395_Output_0", [1, 512, 1, 1]);

    public EcdsaSigner Signer { get; } = EcdsaSigner.Create();

    /// <summary>Writes the public key as <c>{name}.pem</c> into <paramref name="directory"/>.</summary>
    public string Trust(string directory, string name = "ops")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".pem");
        File.WriteAllText(path, Signer.ExportPublicKeyPem());
        return path;
    }

    /// <summary>Signs a manifest of <paramref name="file"/> with the ResNet18 tensors (never read from the file, so any bytes can be signed).</summary>
    public SignedManifest SignFile(string file, string name, string version, TensorSpec? output = null) =>
        ModelSigning.Sign(ModelSigning.Describe(file, name, version, "int8", Input, output ?? Output), Signer);

    public void Dispose() => Signer.Dispose();
}
