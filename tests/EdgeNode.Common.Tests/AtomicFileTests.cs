using System.Text;
using EdgeNode.Common;

namespace EdgeNode.Common.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgenode-atomic-").FullName;

    private string Target => Path.Combine(_directory, "state.json");

    [Fact]
    public async Task WriteAsync_NewFile_WritesContentAndLeavesOnlyTheFile()
    {
        await AtomicFile.WriteAsync(Target, "new"u8.ToArray(), CancellationToken.None);

        Assert.Equal("new", await File.ReadAllTextAsync(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_ReplacesItWhole()
    {
        await File.WriteAllTextAsync(Target, "a much longer old content than the new one");

        await AtomicFile.WriteAsync(Target, "new"u8.ToArray(), CancellationToken.None);

        Assert.Equal("new", await File.ReadAllTextAsync(Target));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task WriteAsync_WriterFailsHalfway_OldFileKeptAndNoTemporaryLeft()
    {
        await File.WriteAllTextAsync(Target, "old");

        var error = await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(Target, async (stream, ct) =>
        {
            await stream.WriteAsync("half of the new"u8.ToArray(), ct);
            throw new IOException("disk full");
        }, CancellationToken.None));

        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", await File.ReadAllTextAsync(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_OldFileKeptAndNoTemporaryLeft()
    {
        await File.WriteAllTextAsync(Target, "old");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(Target, new byte[1 << 20], cancelled.Token));

        Assert.Equal("old", await File.ReadAllTextAsync(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Write_DirectoryMissing_ThrowsAndCreatesNothing()
    {
        var missing = Path.Combine(_directory, "nowhere", "file.bin");

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(missing, "x"u8.ToArray()));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void Write_StreamWriterThrows_OldFileKeptAndNoTemporaryLeft()
    {
        File.WriteAllText(Target, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(Target, stream =>
        {
            stream.Write("partial"u8);
            throw new InvalidOperationException("serializer failed");
        }));

        Assert.Equal("old", File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWriters_FileIsExactlyOneOfTheContents()
    {
        var contents = Enumerable.Range(0, 8).Select(i => Encoding.ASCII.GetBytes(new string((char)('a' + i), 256 * 1024))).ToArray();

        await Task.WhenAll(contents.Select(c => Task.Run(() => AtomicFile.WriteAsync(Target, c, CancellationToken.None))));

        var written = await File.ReadAllBytesAsync(Target);
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(written));
        Assert.Equal([Target], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Flush_MissingDirectory_ThrowsIOException()
    {
        Assert.Throws<IOException>(() => DirectorySync.Flush(Path.Combine(_directory, "gone")));
    }

    [Fact]
    public void Flush_ExistingDirectory_Succeeds()
    {
        DirectorySync.Flush(_directory);

        Assert.True(Directory.Exists(_directory));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
