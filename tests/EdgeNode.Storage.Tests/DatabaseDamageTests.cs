using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Storage.Tests;

public sealed class DatabaseDamageTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private string DatabasePath => _directory.File("edgenode.db");

    [Fact]
    public async Task Open_GarbageFile_MovedAsideWithErrorAndFreshDatabaseWorks()
    {
        var garbage = new byte[8192];
        new Random(1).NextBytes(garbage);
        await File.WriteAllBytesAsync(DatabasePath, garbage);
        var logger = new ListLogger();

        await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = DatabasePath }, _time, logger);
        await store.AppendAsync([Messages.Result(1, _time.GetUtcNow())], default);

        var aside = Assert.Single(Directory.GetFiles(_directory.Path, "edgenode.db.corrupt-*"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(aside));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("moved aside", StringComparison.Ordinal) && e.Message.Contains(aside, StringComparison.Ordinal));
        Assert.Equal(1, (await store.GetStatsAsync(default)).Pending);
    }

    [Fact]
    public async Task Open_GarbageFileWithFourOlderCopies_OnlyTheNewestThreeCopiesKept()
    {
        string[] older = ["20261101T000000000Z", "20261102T000000000Z", "20261103T000000000Z", "20261104T000000000Z"];
        foreach (var stamp in older)
        {
            await File.WriteAllTextAsync(DatabasePath + ".corrupt-" + stamp, stamp);
            await File.WriteAllTextAsync(DatabasePath + ".corrupt-" + stamp + "-wal", stamp);
        }

        await File.WriteAllBytesAsync(DatabasePath, Enumerable.Repeat((byte)0x5A, 8192).ToArray());

        await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = DatabasePath }, _time, new ListLogger());

        var kept = Directory.GetFiles(_directory.Path, "edgenode.db.corrupt-*").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["edgenode.db.corrupt-20261103T000000000Z", "edgenode.db.corrupt-20261103T000000000Z-wal", "edgenode.db.corrupt-20261104T000000000Z", "edgenode.db.corrupt-20261104T000000000Z-wal", "edgenode.db.corrupt-20261128T120000000Z"],
            kept);
    }

    [Fact]
    public async Task Open_DamagedBTreePages_MovedAsideAndFreshDatabaseWorks()
    {
        await using (var store = await SqliteOutboxStore.OpenAsync(DatabasePath, _time))
        {
            await store.AppendAsync([.. Enumerable.Range(1, 2000).Select(i => Messages.Result(i, _time.GetUtcNow()))], default);
        }

        SqliteConnection.ClearAllPools();
        await using (var file = new FileStream(DatabasePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096 * 3;
            await file.WriteAsync(Enumerable.Repeat((byte)0xA5, 4096 * 4).ToArray());
        }

        var logger = new ListLogger();
        await using var reopened = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = DatabasePath }, _time, logger);

        Assert.Single(Directory.GetFiles(_directory.Path, "edgenode.db.corrupt-*"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(0, (await reopened.GetStatsAsync(default)).Pending);
        await reopened.AppendAsync([Messages.Result(1, _time.GetUtcNow())], default);
        Assert.Single(await reopened.ReadPendingAsync(0, 10, default));
    }

    [Fact]
    public async Task Open_NewerSchema_RefusedAndFileLeftIntact()
    {
        await using (var store = await SqliteOutboxStore.OpenAsync(DatabasePath, _time))
        {
            await store.AppendAsync([Messages.Result(1, _time.GetUtcNow())], default);
        }

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => SqliteOutboxStore.OpenAsync(new StorageOptions { Path = DatabasePath }, _time, NullLogger.Instance));

        Assert.Contains("v99", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.corrupt-*"));
    }

    [Fact]
    public async Task Open_EmptyFile_TreatedAsNewDatabase()
    {
        await File.WriteAllBytesAsync(DatabasePath, []);

        await using var store = await SqliteOutboxStore.OpenAsync(DatabasePath, _time);
        await store.AppendAsync([Messages.Result(1, _time.GetUtcNow())], default);

        Assert.Equal(1, await store.GetLastSequenceAsync(MessageKind.Result, default));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.corrupt-*"));
    }

    public void Dispose() => _directory.Dispose();
}
