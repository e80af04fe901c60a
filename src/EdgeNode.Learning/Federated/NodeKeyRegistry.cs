using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EdgeNode.Learning.Federated;

/// <summary>The public keys of the nodes allowed to contribute; an update verifies only under its node's registered key.</summary>
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
            && key.VerifyData(update.SignedBody.Span, update.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

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
