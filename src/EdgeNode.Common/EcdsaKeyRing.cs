using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EdgeNode.Common;

/// <summary>
/// Named ECDSA P-256 public keys. The aggregator holds the nodes allowed to contribute federated head updates (one
/// verifies only under its own node's key, <see cref="Verify"/>); a node holds the keys it trusts to sign model
/// installs (a manifest verifies under any of them, <see cref="FindSigner"/>).
/// </summary>
public sealed class EcdsaKeyRing : IDisposable
{
    private readonly ConcurrentDictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <summary>Number of registered keys.</summary>
    public int Count => _keys.Count;

    /// <summary>Loads every <c>{name}.pem</c> (SubjectPublicKeyInfo) of <paramref name="directory"/>.</summary>
    public static EcdsaKeyRing LoadDirectory(string directory)
    {
        var registry = new EcdsaKeyRing();
        foreach (var file in Directory.GetFiles(directory, "*.pem").Order(StringComparer.Ordinal))
        {
            registry.Register(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
        }

        return registry;
    }

    /// <summary>Registers (or replaces) the public key named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not a P-256 public key.</exception>
    public void Register(string name, string publicKeyPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new ArgumentException("Node keys must be ECDSA P-256.", nameof(publicKeyPem));
        }

        if (_keys.TryGetValue(name, out var old))
        {
            old.Dispose();
        }

        _keys[name] = key;
    }

    /// <summary>True when a key named <paramref name="name"/> is registered and <paramref name="signature"/> (IEEE P1363) over <paramref name="data"/> verifies under it.</summary>
    public bool Verify(string name, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _keys.TryGetValue(name, out var key)
            && signature.Length == EcdsaSigner.SignatureLength
            && VerifyWith(key, data, signature);
    }

    /// <summary>
    /// The name of a registered key under which <paramref name="signature"/> (ECDSA P-256 over SHA-256 of
    /// <paramref name="data"/>) verifies, or null. The signature is IEEE P1363 (64 bytes, as <see cref="EcdsaSigner"/>
    /// writes it) or DER (as <c>openssl dgst -sha256 -sign</c> writes it).
    /// </summary>
    public string? FindSigner(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        foreach (var (name, key) in _keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (VerifyWith(key, data, signature))
            {
                return name;
            }
        }

        return null;
    }

    private static bool VerifyWith(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        key.VerifyData(data, signature, HashAlgorithmName.SHA256, signature.Length == EcdsaSigner.SignatureLength ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
    }
}
