using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Storage.Tests;

public sealed class ResultCacheReaderTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private string DatabasePath => _directory.File("edgenode.db");

    [Fact]
    public async Task Query_WhileTheStoreWrites_ReadsCommittedRowsWithFilters()
    {
        await using var store = await SqliteOutboxStore.OpenAsync(DatabasePath, _time);
        await store.AppendAsync([.. Enumerable.Range(1, 20).Select(i => Messages.Result(i, _time.GetUtcNow().AddSeconds(i)))], default);
        await store.AppendAsync([Messages.Event(1, _time.GetUtcNow())], default);
        await store.MarkDeliveredAsync([1, 2, 3], default);

        await using var reader = await ResultCacheReader.OpenAsync(DatabasePath);
        var results = await reader.QueryAsync(new ResultQuery(null, 100, false, [MessageKind.Result])).ToListAsync();
        var pending = await reader.QueryAsync(new ResultQuery(null, 100, true, [MessageKind.Result])).ToListAsync();
        var lastFive = await reader.QueryAsync(new ResultQuery(null, 5, false, [])).ToListAsync();
        var since = await reader.QueryAsync(new ResultQuery(_time.GetUtcNow().AddSeconds(15), 100, false, [MessageKind.Result])).ToListAsync();
        await store.AppendAsync([Messages.Result(21, _time.GetUtcNow())], default);
        var afterWrite = await reader.QueryAsync(new ResultQuery(null, 100, false, [MessageKind.Result])).ToListAsync();

        Assert.Equal(20, results.Count);
        Assert.Equal(17, pending.Count);
        Assert.Equal([17L, 18, 19, 20, 21], lastFive.Select(m => m.Seq));
        Assert.Equal(MessageKind.Event, lastFive[^1].Kind);
        Assert.Equal(6, since.Count);
        Assert.Equal(21, afterWrite.Count);
        Assert.Equal("ok", await reader.CheckIntegrityAsync());
    }

    [Fact]
    public async Task Open_StoppedNode_ReadsAndNeverWrites()
    {
        await using (var store = await SqliteOutboxStore.OpenAsync(DatabasePath, _time))
        {
            await store.AppendAsync([Messages.Result(1, _time.GetUtcNow())], default);
        }

        var before = await File.ReadAllBytesAsync(DatabasePath);
        await using (var reader = await ResultCacheReader.OpenAsync(DatabasePath))
        {
            Assert.Single(await reader.QueryAsync(new ResultQuery(null, 10, false, [])).ToListAsync());
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(DatabasePath));
    }

    [Fact]
    public async Task Open_Missing_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => ResultCacheReader.OpenAsync(_directory.File("none.db")));
        Assert.False(File.Exists(_directory.File("none.db")));
    }

    public void Dispose() => _directory.Dispose();
}
