using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// Named ECDSA P-256 public keys: the nodes allowed to contribute federated updates (an update verifies only under its
/// node's key), or the keys a node trusts to sign model updates (a manifest verifies under any of them).
/// </summary>
public sealed class NodeKeyRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <summary>Number of registered nodes.</summary>
    public int Count => _keys.Count;

    /// <summary>Loads every <c>{node}.pem</c> (SubjectPublicKeyInfo) of <paramref name="directory"/>.</summary>
    public static NodeKeyRegistry LoadDirectory(string directory)
    {
        var registry = new NodeKeyRegistry();
        foreach (var file in Directory.GetFiles(directory, "*.pem").Order(StringComparer.Ordinal))
        {
            registry.Register(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
        }

        return registry;
    }

    /// <summary>Registers (or replaces) <paramref name="nodeId"/>'s public key.</summary>
    /// <exception cref="ArgumentException">Not a P-256 public key.</exception>
    public void Register(string nodeId, string publicKeyPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new ArgumentException("Node keys must be ECDSA P-256.", nameof(publicKeyPem));
        }

        if (_keys.TryGetValue(nodeId, out var old))
        {
            old.Dispose();
        }

        _keys[nodeId] = key;
    }

    /// <summary>True when <paramref name="update"/>'s node is registered and its signature verifies.</summary>
    public bool Verify(SignedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return _keys.TryGetValue(update.Update.NodeId, out var key)
            && update.Signature.Length == UpdateSigner.SignatureLength
            && VerifyWith(key, update.SignedBody.Span, update.Signature.Span);
    }

    /// <summary>
    /// The name of a registered key under which <paramref name="signature"/> (ECDSA P-256 over SHA-256 of
    /// <paramref name="data"/>) verifies, or null. The signature is IEEE P1363 (64 bytes, as <see cref="UpdateSigner"/>
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
        key.VerifyData(data, signature, HashAlgorithmName.SHA256, signature.Length == UpdateSigner.SignatureLength ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence);

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
