using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Storage.Tests;

/// <summary>A full disk, simulated by a cap (SQLite <c>max_page_count</c>) that only non-evictable events fill.</summary>
public sealed class StorageFullTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Append_DiskFullOfEvents_ThrowsStorageFullReportsItAndKeepsEverythingStored()
    {
        var logger = new ListLogger();
        await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = _directory.File("edgenode.db"), MaxSizeMegabytes = 0.25 }, _time, logger);
        var stored = new List<string>();
        StorageFullException? full = null;
        for (var i = 1; i < 10_000 && full is null; i++)
        {
            var e = Messages.Event(i, _time.GetUtcNow(), 1000);
            try
            {
                await store.AppendAsync([e], default);
                stored.Add(e.Id);
            }
            catch (StorageFullException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        var stats = await store.GetStatsAsync(default);
        Assert.True(stats.StorageFull);
        Assert.Equal(1, stats.WriteFailures);
        Assert.Equal(0, stats.Dropped);
        var pending = await store.ReadPendingAsync(0, 100_000, default);
        Assert.Equal(stored, pending.Select(m => m.Id));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Storage full", StringComparison.Ordinal));

        // Once the broker took them, delivered events make room and writing works again.
        await store.MarkDeliveredAsync([.. pending.Select(m => m.Seq)], default);
        await store.AppendAsync([Messages.Event(99_999, _time.GetUtcNow(), 1000)], default);
        stats = await store.GetStatsAsync(default);
        Assert.False(stats.StorageFull);
        Assert.Equal(1, stats.Pending);
        Assert.Equal(0, stats.Dropped);
    }

    [Fact]
    public async Task MarkDelivered_WhileFull_StillSucceeds()
    {
        await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = _directory.File("edgenode.db"), MaxSizeMegabytes = 0.25 }, _time, new ListLogger());
        var i = 0;
        await Assert.ThrowsAsync<StorageFullException>(async () =>
        {
            while (true)
            {
                await store.AppendAsync([Messages.Event(++i, _time.GetUtcNow(), 1000)], default);
            }
        });

        var pending = await store.ReadPendingAsync(0, 10, default);
        await store.MarkDeliveredAsync([.. pending.Select(m => m.Seq)], default);

        Assert.Equal(i - 1 - pending.Count, (await store.GetStatsAsync(default)).Pending);
    }

    public void Dispose() => _directory.Dispose();
}
