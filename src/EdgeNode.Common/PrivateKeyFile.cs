namespace EdgeNode.Common;

/// <summary>
/// A signing key kept in a file (the node's <c>federated.key</c>, the aggregator's head-signing key): created owner-only
/// (0600) from its first byte, the temporary file of <see cref="AtomicFile"/> too, in a folder made 0700, so that no
/// moment exists in which another user could read it.
/// </summary>
public static class PrivateKeyFile
{
    /// <summary>Read and write for the owner, nothing for anyone else.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The key at <paramref name="path"/>, or a new P-256 key written there; <c>Created</c> says which.</summary>
    /// <exception cref="IOException">It cannot be read or written.</exception>
    /// <exception cref="ArgumentException">The file is not an EC private key (PEM).</exception>
    public static async Task<(EcdsaSigner Signer, bool Created)> LoadOrCreateAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return (EcdsaSigner.FromPem(await File.ReadAllTextAsync(path, cancellationToken)), false);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var signer = EcdsaSigner.Create();
        var pem = System.Text.Encoding.ASCII.GetBytes(signer.ExportPrivateKeyPem());
        await AtomicFile.WriteAsync(path, (stream, ct) => stream.WriteAsync(pem, ct).AsTask(), OwnerOnly, cancellationToken);
        return (signer, true);
    }

    /// <summary>True when the group or others may read <paramref name="path"/> (what the owner should be warned about).</summary>
    public static bool IsExposed(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;
}
