using EdgeNode.Common;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// The ECDSA P-256 public keys (SubjectPublicKeyInfo PEM) whose signatures this node accepts on a model manifest.
/// A key is named after its file (<c>ops.pem</c> is <c>ops</c>); any one of them is enough.
/// </summary>
public sealed class TrustedModelKeys : IDisposable
{
    private readonly EcdsaKeyRing _keys = new();

    private TrustedModelKeys()
    {
    }

    /// <summary>Number of trusted keys.</summary>
    public int Count => _keys.Count;

    /// <summary>
    /// Loads every path: a <c>.pem</c> file, or a directory whose <c>*.pem</c> files are all loaded. A directory that
    /// does not exist is no keys (<paramref name="optional"/>, the default location) or an error.
    /// </summary>
    /// <exception cref="ArgumentException">A missing file or directory that is not optional, or a file that is not a P-256 public key.</exception>
    public static TrustedModelKeys Load(IEnumerable<string> paths, bool optional)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var trusted = new TrustedModelKeys();
        try
        {
            foreach (var path in paths)
            {
                var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.pem").Order(StringComparer.Ordinal).ToArray()
                    : File.Exists(path) ? [path]
                    : optional ? []
                    : throw new ArgumentException($"The trusted model key '{path}' does not exist.");
                foreach (var file in files)
                {
                    trusted.Add(file);
                }
            }

            return trusted;
        }
        catch
        {
            trusted.Dispose();
            throw;
        }
    }

    /// <summary>Checks <paramref name="update"/>'s signature over its canonical manifest; returns the name of the key that signed it.</summary>
    /// <exception cref="ModelUpdateException"><c>bad_signature</c>: no trusted key verifies it.</exception>
    public string Verify(SignedManifest update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (_keys.Count == 0)
        {
            throw new ModelUpdateException(ModelUpdateErrors.BadSignature, "This node trusts no model-signing key (EdgeNode:Models:TrustedKeys); every model is refused.");
        }

        return _keys.FindSigner(update.Manifest.ToCanonicalJson(), update.Signature.Span)
            ?? throw new ModelUpdateException(ModelUpdateErrors.BadSignature, "The manifest's signature does not verify under any trusted key.");
    }

    /// <inheritdoc />
    public void Dispose() => _keys.Dispose();

    private void Add(string file)
    {
        try
        {
            _keys.Register(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"The trusted model key '{file}' is not a readable ECDSA P-256 public key (PEM): {ex.Message}", ex);
        }
    }
}
