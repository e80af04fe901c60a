using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Storage.Tests;

public sealed class OutboxRetentionTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private string DatabasePath => _directory.File("edgenode.db");

    [Fact]
    public async Task Append_BeyondSizeCapWhileOffline_DropsOldestResultsNeverEventsAndStaysUnderCap()
    {
        const long Cap = 1024 * 1024;
        var logger = new ListLogger();
        await using var store = await SqliteOutboxStore.OpenAsync(Options(1), _time, logger);
        var events = new List<string>();
        long results = 0;
        for (var batch = 0; batch < 300; batch++)
        {
            var messages = Enumerable.Range(0, 50).Select(_ => Messages.Result(++results, _time.GetUtcNow(), 400)).ToList();
            if (batch % 10 == 0)
            {
                var e = Messages.Event(batch + 1, _time.GetUtcNow());
                events.Add(e.Id);
                messages.Add(e);
            }

            await store.AppendAsync(messages, default);
            Assert.True(FileSize(DatabasePath) <= store.MaxDatabaseBytes, $"database file {FileSize(DatabasePath)} > {store.MaxDatabaseBytes}");
            Assert.True(FileSize(DatabasePath) + FileSize(DatabasePath + "-wal") <= Cap, $"database {FileSize(DatabasePath)} + WAL {FileSize(DatabasePath + "-wal")} over the cap");
        }

        var pending = await store.ReadPendingAsync(0, 100_000, default);
        var stats = await store.GetStatsAsync(default);
        var keptResults = pending.Where(m => m.Kind == MessageKind.Result).Select(Messages.SeqOf).ToList();
        Assert.True(stats.Dropped > 0);
        Assert.Equal(results - keptResults.Count, stats.Dropped);
        Assert.Equal(pending.Count, stats.Pending);
        Assert.Equal(events, pending.Where(m => m.Kind == MessageKind.Event).Select(m => m.Id));
        Assert.Equal(Enumerable.Range((int)(results - keptResults.Count + 1), keptResults.Count).Select(i => (long)i), keptResults);
        Assert.False(stats.StorageFull);
        Assert.Contains(logger.Entries, e => e.Message.Contains("Size cap reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportDrops_AfterDrops_CommitsOneEventWithTheCountAndResets()
    {
        await using var store = await SqliteOutboxStore.OpenAsync(Options(0.5), _time, NullLogger.Instance);
        for (var i = 0; i < 100; i++)
        {
            await store.AppendAsync([.. Enumerable.Range(1, 50).Select(j => Messages.Result((i * 50) + j, _time.GetUtcNow(), 400))], default);
        }

        var dropped = (await store.GetStatsAsync(default)).Dropped;
        long reportedCount = 0;
        var reported = await store.ReportDropsAsync((count, seq) =>
        {
            reportedCount = count;
            return Messages.Event(seq, _time.GetUtcNow());
        }, default);

        Assert.True(dropped > 0);
        Assert.Equal(dropped, reported);
        Assert.Equal(dropped, reportedCount);
        Assert.Single(await store.ReadPendingAsync(0, 100_000, default), m => m.Kind == MessageKind.Event);
        Assert.Equal(1, await store.GetLastSequenceAsync(MessageKind.Event, default));
        Assert.Equal(0, await store.ReportDropsAsync((_, s) => Messages.Event(s, _time.GetUtcNow()), default));
        Assert.Equal(dropped, (await store.GetStatsAsync(default)).Dropped);
    }

    [Fact]
    public async Task Append_CapReachedWithDeliveredItems_EvictsDeliveredBeforeUndelivered()
    {
        await using var store = await SqliteOutboxStore.OpenAsync(Options(1), _time, NullLogger.Instance);
        await store.AppendAsync([.. Enumerable.Range(1, 1000).Select(i => Messages.Result(i, _time.GetUtcNow(), 400))], default);
        await store.MarkDeliveredAsync([.. (await store.ReadPendingAsync(0, 2000, default)).Select(m => m.Seq)], default);

        // About as much again, undelivered: fits only once the delivered rows are gone.
        for (var i = 0; i < 20; i++)
        {
            await store.AppendAsync([.. Enumerable.Range(1, 50).Select(j => Messages.Result(1000 + (i * 50) + j, _time.GetUtcNow(), 400))], default);
        }

        var stats = await store.GetStatsAsync(default);
        Assert.Equal(0, stats.Dropped);
        Assert.Equal(1000, stats.Pending);
    }

    [Fact]
    public async Task Prune_DeliveredPastRetention_DeletedUndeliveredKept()
    {
        await using (var store = await SqliteOutboxStore.OpenAsync(Options(64), _time, NullLogger.Instance))
        {
            await store.AppendAsync([.. Enumerable.Range(1, 10).Select(i => Messages.Result(i, _time.GetUtcNow()))], default);
            await store.MarkDeliveredAsync([.. (await store.ReadPendingAsync(0, 5, default)).Select(m => m.Seq)], default);
            _time.Advance(TimeSpan.FromHours(25));
            await store.AppendAsync([.. Enumerable.Range(11, 3).Select(i => Messages.Result(i, _time.GetUtcNow()))], default);
            await store.MarkDeliveredAsync([(await store.GetStatsAsync(default)).LastSeq], default);

            await store.PruneAsync();
        }

        await using var reader = await ResultCacheReader.OpenAsync(DatabasePath);
        var left = await reader.QueryAsync(new ResultQuery(null, 100, false, [])).ToListAsync();
        Assert.Equal([6, 7, 8, 9, 10, 11, 12, 13], left.Select(m => m.Seq));
        Assert.NotNull(left[^1].DeliveredAt);
        Assert.All(left.Take(7), m => Assert.Null(m.DeliveredAt));
    }

    [Fact]
    public async Task Open_CapLoweredBelowExistingFile_ShrinksTheFileUnderTheNewCap()
    {
        await using (var store = await SqliteOutboxStore.OpenAsync(Options(16), _time, NullLogger.Instance))
        {
            await store.AppendAsync([.. Enumerable.Range(1, 10_000).Select(i => Messages.Result(i, _time.GetUtcNow(), 400))], default);
        }

        Assert.True(FileSize(DatabasePath) > 2 * 1024 * 1024);
        await using var reopened = await SqliteOutboxStore.OpenAsync(Options(1), _time, NullLogger.Instance);

        Assert.True(FileSize(DatabasePath) <= reopened.MaxDatabaseBytes);
        var stats = await reopened.GetStatsAsync(default);
        Assert.Equal(10_000 - stats.Pending, stats.Dropped);
    }

    public void Dispose() => _directory.Dispose();

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private StorageOptions Options(double megabytes) => new()
    {
        Path = DatabasePath,
        MaxSizeMegabytes = megabytes,
        DeliveredRetentionHours = 24,
        MaintenanceIntervalSeconds = 3600,
    };
}
