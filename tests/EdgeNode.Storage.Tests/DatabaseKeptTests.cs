using EdgeNode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Storage.Tests;

/// <summary>
/// A healthy database that cannot be opened (full or read-only filesystem) is kept where it is with its backlog,
/// never moved aside as if damaged (issue 20, item 14). Real tmpfs mounts, real SQLite files.
/// </summary>
public sealed class DatabaseKeptTests
{
    [Fact]
    public async Task Open_DatabaseOnReadOnlyFilesystem_KeptNotMovedAside_IOExceptionAfterRetries()
    {
        using var fs = Tmpfs.Mount(4 * 1024 * 1024);
        var path = fs.File("edgenode.db");
        var before = await CreateWithBacklogAsync(path);
        fs.MakeReadOnly();
        var logger = new ListLogger();

        var ex = await Assert.ThrowsAsync<IOException>(() => SqliteOutboxStore.OpenAsync(new StorageOptions { Path = path }, TimeProvider.System, logger));

        Assert.Contains("not damaged", ex.Message, StringComparison.Ordinal);
        AssertKept(fs.Path, path, before);
        // Four attempts (DatabaseFile.OpenAttempts): three warnings, then the error.
        Assert.Equal(3, logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("stays where it is", StringComparison.Ordinal)));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("moved aside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_KilledNodesDatabaseOnReadOnlyFilesystem_KeptByteForByte_IOExceptionNamesThePath()
    {
        // The state a kill -9 leaves (database, -wal and -shm): SQLite would open it read-only without complaint.
        using var fs = Tmpfs.Mount(4 * 1024 * 1024);
        var path = fs.File("edgenode.db");
        await CreateAsKilledAsync(path);
        Assert.True(File.Exists(path + "-wal"), "the killed node's WAL is missing");
        fs.MakeReadOnly();
        var before = Snapshot(fs.Path);
        var logger = new ListLogger();

        var ex = await Assert.ThrowsAsync<IOException>(() => SqliteOutboxStore.OpenAsync(new StorageOptions { Path = path }, TimeProvider.System, logger));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not damaged", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(fs.Path));
        Assert.Empty(Directory.GetFiles(fs.Path, "*.corrupt-*"));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("moved aside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_DatabaseInImmutableFolder_KeptByteForByte_IOExceptionNamesThePath()
    {
        // Only the folder refuses writes (chattr +i, which root cannot bypass): the files in it stay writable, so SQLite
        // would open them read-write, but no WAL, model or state file could be created next to them.
        using var fs = Tmpfs.Mount(4 * 1024 * 1024);
        var folder = Directory.CreateDirectory(fs.File("data")).FullName;
        var path = System.IO.Path.Combine(folder, "edgenode.db");
        await CreateAsKilledAsync(path);
        fs.SetImmutable("data", immutable: true);
        var before = Snapshot(folder);
        var logger = new ListLogger();

        IOException ex;
        try
        {
            ex = await Assert.ThrowsAsync<IOException>(() => SqliteOutboxStore.OpenAsync(new StorageOptions { Path = path }, TimeProvider.System, logger));
        }
        finally
        {
            fs.SetImmutable("data", immutable: false);
        }

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(folder));
        Assert.Empty(Directory.GetFiles(folder, "*.corrupt-*"));
    }

    [Fact]
    public async Task Open_DatabaseOnFullFilesystem_KeptNotMovedAside_BacklogIntact()
    {
        using var fs = Tmpfs.Mount(2 * 1024 * 1024);
        var path = fs.File("edgenode.db");
        var before = await CreateWithBacklogAsync(path);
        fs.Fill();
        var logger = new ListLogger();

        try
        {
            // Opening may succeed read-mostly or fail after its retries; either way the file stays as it was.
            await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = path }, TimeProvider.System, logger);
            Assert.Equal(20, (await store.GetStatsAsync(default)).Pending);
        }
        catch (IOException ex)
        {
            Assert.Contains("not damaged", ex.Message, StringComparison.Ordinal);
        }

        SqliteConnection.ClearAllPools();
        File.Delete(fs.File(".filler"));
        AssertKept(fs.Path, path, before);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("moved aside", StringComparison.Ordinal));
        await using var reopened = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = path }, TimeProvider.System, logger);
        Assert.Equal(20, (await reopened.GetStatsAsync(default)).Pending);
    }

    private static async Task<byte[]> CreateWithBacklogAsync(string path)
    {
        var time = TimeProvider.System;
        await using (var store = await SqliteOutboxStore.OpenAsync(path, time))
        {
            await store.AppendAsync([.. Enumerable.Range(1, 20).Select(i => Messages.Result(i, time.GetUtcNow()))], default);
        }

        SqliteConnection.ClearAllPools();
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>Writes a backlog and copies the files while the store is open, as a killed process leaves them.</summary>
    private static async Task CreateAsKilledAsync(string path)
    {
        var staging = path + ".staging";
        var time = TimeProvider.System;
        await using (var store = await SqliteOutboxStore.OpenAsync(staging, time))
        {
            await store.AppendAsync([.. Enumerable.Range(1, 20).Select(i => Messages.Result(i, time.GetUtcNow()))], default);
            foreach (var suffix in (string[])["", "-wal", "-shm"])
            {
                File.Copy(staging + suffix, path + suffix);
            }
        }

        SqliteConnection.ClearAllPools();
        File.Delete(staging);
    }

    private static Dictionary<string, string> Snapshot(string directory) => Directory.GetFiles(directory)
        .ToDictionary(f => System.IO.Path.GetFileName(f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static void AssertKept(string directory, string path, byte[] before)
    {
        Assert.Empty(Directory.GetFiles(directory, "*.corrupt-*"));
        Assert.True(File.Exists(path), "the database was moved away");
        Assert.True(File.ReadAllBytes(path).Length >= before.Length, "the database shrank");
    }
}
