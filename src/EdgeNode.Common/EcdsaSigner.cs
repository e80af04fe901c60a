using System.Security.Cryptography;

namespace EdgeNode.Common;

/// <summary>An ECDSA P-256 private key; signs the SHA-256 of a federated head update or of a model manifest (IEEE P1363 signature).</summary>
public sealed class EcdsaSigner : IDisposable
{
    /// <summary>Length of a P-256 signature in IEEE P1363 format.</summary>
    public const int SignatureLength = 64;

    private readonly ECDsa _key;

    private EcdsaSigner(ECDsa key) => _key = key;

    /// <summary>A new random key.</summary>
    public static EcdsaSigner Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a PKCS#8 or SEC1 PEM private key.</summary>
    /// <exception cref="ArgumentException">Not a P-256 key.</exception>
    public static EcdsaSigner FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new ArgumentException("Signing keys must be ECDSA P-256.", nameof(pem));
            }

            return new EcdsaSigner(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string ExportPrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as SubjectPublicKeyInfo PEM, to register with the aggregator.</summary>
    public string ExportPublicKeyPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs <paramref name="data"/> into <paramref name="signature"/>; returns the bytes written.</summary>
    public int Sign(ReadOnlySpan<byte> data, Span<byte> signature) =>
        _key.SignData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
