using EdgeNode.Core;
using EdgeNode.Health;
using EdgeNode.Outbox;
using EdgeNode.Testing;

namespace EdgeNode.Tests.Outbox;

/// <summary>
/// The database file damaged under a running drain (issue 20, item 15): the failed reads are counted, with the
/// undelivered items they cost, until the resources check turns unhealthy. A real SQLite file overwritten in the
/// middle with garbage while the publisher drains it; pacing on the fake clock holds the drain where the test wants it.
/// </summary>
public sealed class OutboxDamageTests : IAsyncLifetime
{
    private const int Count = 6000;
    private OutboxHarness _outbox = null!;

    public async Task InitializeAsync() => _outbox = await OutboxHarness.OpenAsync();

    public async Task DisposeAsync() => await _outbox.DisposeAsync();

    [Fact]
    public async Task Drain_FileDamagedWhileDraining_DamagedBatchesCounted_LostReported_ResourcesUnhealthy()
    {
        await AppendLargeResultsAsync(Count);
        using var publisher = _outbox.Publisher(new OutboxOptions { BacklogMessagesPerSecond = 100, BatchSize = 64 });
        await publisher.StartAsync(CancellationToken.None);
        // The drain is running: the first item went out, the rest wait for the (fake) clock.
        await Eventually.TrueAsync(() => !_outbox.Bus.Published.IsEmpty, "the drain started");
        Assert.Equal(0, (await _outbox.Store.GetStatsAsync(CancellationToken.None)).DamagedBatches);

        Damage(_outbox.Dir.File("edgenode.db"), from: 0.4, to: 0.95);
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        OutboxStats stats;
        while ((stats = await _outbox.Store.GetStatsAsync(CancellationToken.None)).ConsecutiveDamagedBatches < StorageDamage.UnhealthyAfter)
        {
            Assert.True(DateTime.UtcNow < limit, $"no {StorageDamage.UnhealthyAfter} damaged reads in a row after {_outbox.Bus.Published.Count} published: {stats}");
            _outbox.Time.Advance(TimeSpan.FromSeconds(10)); // the pace, and the publisher's second between failed sessions
            await Task.Delay(20);
        }

        await publisher.StopAsync(CancellationToken.None);
        Assert.True(stats.DamagedBatches >= stats.ConsecutiveDamagedBatches);
        Assert.True(_outbox.Bus.Published.Count < Count, "every row was published: the damage was never read");
        Assert.True(stats.DamageLost > 0 && stats.DamageLost <= Count, $"lost {stats.DamageLost}");
        Assert.Equal(stats.Pending, stats.DamageLost);
        var problem = StorageDamage.Problem(stats.ConsecutiveDamagedBatches, stats.DamagedBatches, stats.DamageLost);
        Assert.NotNull(problem);
        Assert.Contains($"{stats.DamageLost} undelivered items", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPending_DamagedFile_StorageDamagedExceptionNamingThePath_RunClearedOnlyPastTheDamage()
    {
        await AppendLargeResultsAsync(Count);
        var path = _outbox.Dir.File("edgenode.db");
        Damage(path, from: 0.4, to: 0.95);

        // Read on in batches, as the drain does, until a batch fails.
        long after = 0;
        var ex = await Assert.ThrowsAsync<Storage.StorageDamagedException>(async () =>
        {
            while (true)
            {
                var batch = await _outbox.Store.ReadPendingAsync(after, 64, CancellationToken.None);
                Assert.NotEmpty(batch);
                after = batch[^1].Seq;
            }
        });

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        var stats = await _outbox.Store.GetStatsAsync(CancellationToken.None);
        Assert.Equal((1L, 1L, (long)Count), (stats.DamagedBatches, stats.ConsecutiveDamagedBatches, stats.DamageLost));

        // Rows before the damage read again (each session starts at the oldest) leave the run as it is.
        if (after > 0)
        {
            await _outbox.Store.ReadPendingAsync(0, (int)Math.Min(after, 64), CancellationToken.None);
            Assert.Equal(1, (await _outbox.Store.GetStatsAsync(CancellationToken.None)).ConsecutiveDamagedBatches);
        }

        await Assert.ThrowsAsync<Storage.StorageDamagedException>(async () => await _outbox.Store.ReadPendingAsync(after, 64, CancellationToken.None));
        stats = await _outbox.Store.GetStatsAsync(CancellationToken.None);
        Assert.Equal((2L, 2L), (stats.DamagedBatches, stats.ConsecutiveDamagedBatches));
        Assert.Equal(Count, stats.Pending); // nothing was marked or removed by the failed reads
    }

    /// <summary>Results of about 600 bytes, so the file has pages enough to damage some and keep others.</summary>
    private async Task AppendLargeResultsAsync(int count)
    {
        var filler = new string('x', 600);
        var messages = Enumerable.Range(1, count)
            .Select(i => _outbox.Writer.Create(MessageKind.Result, _outbox.Identity.Topics.Results, _outbox.Time.GetUtcNow(), i, (i, filler), static (w, s) =>
            {
                w.WriteNumber("n", s.i);
                w.WriteString("filler", s.filler);
            }))
            .ToList();
        await _outbox.Writer.AppendAsync(messages);
    }

    /// <summary>Overwrites the pages between the fractions <paramref name="from"/> and <paramref name="to"/> of the file with random bytes.</summary>
    private static void Damage(string path, double from, double to)
    {
        const int Page = 4096;
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var pages = file.Length / Page;
        Assert.True(pages > 100, $"only {pages} pages in the database");
        var garbage = new byte[Page];
        var random = new Random(20);
        for (var page = (long)(pages * from); page < (long)(pages * to); page++)
        {
            random.NextBytes(garbage);
            file.Position = page * Page;
            file.Write(garbage);
        }

        file.Flush(flushToDisk: true);
    }
}
