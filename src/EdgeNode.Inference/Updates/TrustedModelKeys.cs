using EdgeNode.Common;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// The ECDSA P-256 public keys (SubjectPublicKeyInfo PEM) whose signatures this node accepts on a model manifest.
/// A key is named after its file (<c>ops.pem</c> is <c>ops</c>); any one of them is enough. A key with a
/// <c>{name}.names</c> file beside it signs only the model names listed there (one a line, <c>prefix*</c> for a prefix,
/// <c>#</c> comments), so that a key handed to one team cannot replace another team's backbone.
/// </summary>
public sealed class TrustedModelKeys : IDisposable
{
    private readonly EcdsaKeyRing _keys = new();
    private readonly Dictionary<string, string[]> _scopes = new(StringComparer.Ordinal);

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
    /// <exception cref="ModelUpdateException"><c>bad_signature</c>: no trusted key verifies it; <c>key_not_allowed</c>: the key may not sign this name.</exception>
    public string Verify(SignedManifest update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (_keys.Count == 0)
        {
            throw new ModelUpdateException(ModelUpdateErrors.BadSignature, "This node trusts no model-signing key (EdgeNode:Models:TrustedKeys); every model is refused.");
        }

        var keyId = _keys.FindSigner(update.Manifest.ToCanonicalJson(), update.Signature.Span)
            ?? throw new ModelUpdateException(ModelUpdateErrors.BadSignature, "The manifest's signature does not verify under any trusted key.");
        return InScope(keyId, update.Manifest.Name);
    }

    /// <summary>Checks the downgrade override of <paramref name="update"/>; returns the name of the key that signed it.</summary>
    /// <exception cref="ModelUpdateException"><c>downgrade</c>: no override, or none a trusted key signed; <c>key_not_allowed</c>.</exception>
    public string VerifyDowngrade(SignedManifest update, string highest)
    {
        ArgumentNullException.ThrowIfNull(update);
        var refused = $"{update.Manifest.Name} {update.Manifest.Version} is older than {highest}, which this node already installed";
        if (update.Downgrade is not { } signature)
        {
            throw new ModelUpdateException(ModelUpdateErrors.Downgrade, refused + "; an operator's signed override ('downgrade') is needed to go back.");
        }

        var keyId = _keys.FindSigner(update.DowngradePayload(), signature.Span)
            ?? throw new ModelUpdateException(ModelUpdateErrors.Downgrade, refused + "; its 'downgrade' override does not verify under any trusted key.");
        return InScope(keyId, update.Manifest.Name);
    }

    /// <inheritdoc />
    public void Dispose() => _keys.Dispose();

    private string InScope(string keyId, string modelName)
    {
        if (_scopes.TryGetValue(keyId, out var names) && !names.Any(n => n.EndsWith('*') ? modelName.StartsWith(n[..^1], StringComparison.Ordinal) : n == modelName))
        {
            throw new ModelUpdateException(ModelUpdateErrors.KeyNotAllowed, $"The key '{keyId}' may sign only {string.Join(", ", names)} ({keyId}.names); not '{modelName}'.");
        }

        return keyId;
    }

    private void Add(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var namesFile = Path.ChangeExtension(file, ".names");
        try
        {
            _keys.Register(name, File.ReadAllText(file));
            if (File.Exists(namesFile))
            {
                // An empty list would be a key that signs nothing: refuse it rather than guess what was meant.
                var names = File.ReadAllLines(namesFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
                _scopes[name] = names.Length > 0 ? names : throw new ArgumentException($"'{namesFile}' names no model.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"The trusted model key '{file}' is not a readable ECDSA P-256 public key (PEM) with a valid {name}.names: {ex.Message}", ex);
        }
    }
}
