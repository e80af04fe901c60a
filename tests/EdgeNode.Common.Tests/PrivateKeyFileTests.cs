using System.Runtime.Versioning;
using EdgeNode.Common;

namespace EdgeNode.Common.Tests;

/// <summary>Issue 20, item 13: a private key is never readable by others, not even for a moment.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateKeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgenode-key-").FullName;

    [Fact]
    public async Task LoadOrCreate_NewKey_IsOwnerOnlyInAnOwnerOnlyFolder_AndLoadsBackTheSameKey()
    {
        var path = Path.Combine(_directory, "keys", "federated.key");

        var (created, isNew) = await PrivateKeyFile.LoadOrCreateAsync(path, CancellationToken.None);
        using var first = created;
        var (loaded, again) = await PrivateKeyFile.LoadOrCreateAsync(path, CancellationToken.None);
        using var second = loaded;

        Assert.True(isNew);
        Assert.False(again);
        Assert.Equal(PrivateKeyFile.OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(first.ExportPublicKeyPem(), second.ExportPublicKeyPem());
        Assert.False(PrivateKeyFile.IsExposed(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task WriteAsync_WithMode_TheTemporaryFileHasItFromTheStart()
    {
        var path = Path.Combine(_directory, "secret");
        UnixFileMode? seen = null;

        await AtomicFile.WriteAsync(
            path,
            (stream, ct) =>
            {
                // The only other file in the folder while the content is written is the temporary one.
                seen = File.GetUnixFileMode(Directory.GetFiles(_directory).Single());
                return stream.WriteAsync("key"u8.ToArray(), ct).AsTask();
            },
            PrivateKeyFile.OwnerOnly,
            CancellationToken.None);

        Assert.Equal(PrivateKeyFile.OwnerOnly, seen);
        Assert.Equal(PrivateKeyFile.OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task IsExposed_GroupOrWorldReadableKey_IsTrue_AndTheKeyIsLeftAsItWas()
    {
        var path = Path.Combine(_directory, "federated.key");
        using (var signer = EcdsaSigner.Create())
        {
            await File.WriteAllTextAsync(path, signer.ExportPrivateKeyPem());
        }

        File.SetUnixFileMode(path, PrivateKeyFile.OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var before = await File.ReadAllBytesAsync(path);

        Assert.True(PrivateKeyFile.IsExposed(path));
        var (loaded, created) = await PrivateKeyFile.LoadOrCreateAsync(path, CancellationToken.None);
        loaded.Dispose();
        Assert.False(created);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        File.SetUnixFileMode(path, PrivateKeyFile.OwnerOnly);
        Assert.False(PrivateKeyFile.IsExposed(path));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
