using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Storage.Tests;

/// <summary>
/// The outbox contract, written once and run against every <see cref="IOutboxStore"/> implementation
/// (flower's nodestate_test pattern). Implementations supply open and reopen.
/// </summary>
public abstract class OutboxStoreSuite : IDisposable
{
    private readonly TempDirectory _directory = new();

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    protected string DatabasePath => _directory.File("edgenode.db");

    /// <summary>Opens the store on <see cref="DatabasePath"/> (the same data after a reopen).</summary>
    protected abstract Task<IOutboxStore> OpenAsync();

    /// <summary>Closes <paramref name="store"/>.</summary>
    protected abstract ValueTask CloseAsync(IOutboxStore store);

    [Fact]
    public async Task ReadPending_AfterAppend_ReturnsAllOldestFirst()
    {
        var store = await OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 300).Select(i => Messages.Result(i, Time.GetUtcNow()))], default);

        var first = await store.ReadPendingAsync(0, 200, default);
        var rest = await store.ReadPendingAsync(first[^1].Seq, 200, default);

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), first.Concat(rest).Select(Messages.SeqOf));
        Assert.True(first.Concat(rest).Select(m => m.Seq).Order().SequenceEqual(first.Concat(rest).Select(m => m.Seq)));
        await CloseAsync(store);
    }

    [Fact]
    public async Task MarkDelivered_SomeMessages_OnlyTheOthersStayPending()
    {
        var store = await OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 10).Select(i => Messages.Result(i, Time.GetUtcNow()))], default);
        var pending = await store.ReadPendingAsync(0, 100, default);

        await store.MarkDeliveredAsync([.. pending.Take(4).Select(m => m.Seq)], default);
        await store.MarkDeliveredAsync([pending[0].Seq], default);

        var left = await store.ReadPendingAsync(0, 100, default);
        Assert.Equal(Enumerable.Range(5, 6).Select(i => (long)i), left.Select(Messages.SeqOf));
        var stats = await store.GetStatsAsync(default);
        Assert.Equal(6, stats.Pending);
        Assert.Equal(left[0].CreatedAt, stats.OldestPending);
        await CloseAsync(store);
    }

    [Fact]
    public async Task MarkDelivered_UnsortedRunsWithGapsAndRepeats_MarksExactlyThoseRows()
    {
        var store = await OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 12).Select(i => Messages.Result(i, Time.GetUtcNow()))], default);
        var seqs = (await store.ReadPendingAsync(0, 100, default)).Select(m => m.Seq).ToArray();

        // Runs 3-5, 7 and 9 given out of order with a repeat, then 1 and 11-12: rows 2, 6, 8 and 10 lie between them.
        await store.MarkDeliveredAsync([seqs[8], seqs[4], seqs[2], seqs[3], seqs[2], seqs[6]], default);
        await store.MarkDeliveredAsync([seqs[11], seqs[10], seqs[0]], default);

        var left = await store.ReadPendingAsync(0, 100, default);
        Assert.Equal([2L, 6, 8, 10], left.Select(Messages.SeqOf));
        Assert.Equal(4, (await store.GetStatsAsync(default)).Pending);
        await CloseAsync(store);
    }

    [Fact]
    public async Task Append_SameIdTwice_StoredOnce()
    {
        var store = await OpenAsync();
        var message = Messages.Result(1, Time.GetUtcNow());

        await store.AppendAsync([message], default);
        await store.AppendAsync([message, Messages.Result(2, Time.GetUtcNow())], default);

        Assert.Equal(2, (await store.ReadPendingAsync(0, 10, default)).Count);
        Assert.Equal(2, (await store.GetStatsAsync(default)).Pending);
        await CloseAsync(store);
    }

    [Fact]
    public async Task Reopen_AfterClose_KeepsPendingSequencesAndOrder()
    {
        var store = await OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(1, 50).Select(i => Messages.Result(i, Time.GetUtcNow()))], default);
        await store.AppendAsync([Messages.Event(7, Time.GetUtcNow())], default);
        var firstSeqs = (await store.ReadPendingAsync(0, 100, default)).Select(m => m.Seq).ToList();
        await store.MarkDeliveredAsync([.. firstSeqs.Take(20)], default);
        await CloseAsync(store);

        store = await OpenAsync();
        Assert.Equal(50, await store.GetLastSequenceAsync(MessageKind.Result, default));
        Assert.Equal(7, await store.GetLastSequenceAsync(MessageKind.Event, default));
        Assert.Equal(0, await store.GetLastSequenceAsync(MessageKind.Sensor, default));
        Assert.Equal(firstSeqs.Skip(20), (await store.ReadPendingAsync(0, 100, default)).Select(m => m.Seq));
        await store.AppendAsync([Messages.Result(51, Time.GetUtcNow())], default);
        var stats = await store.GetStatsAsync(default);
        Assert.Equal(32, stats.Pending);
        Assert.True(stats.LastSeq > firstSeqs[^1]);
        await CloseAsync(store);
    }

    [Fact]
    public async Task Append_ManyConcurrentWriters_EveryItemCommittedExactlyOnce()
    {
        var store = await OpenAsync();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await store.AppendAsync([Messages.Result((w * 1000) + i + 1, Time.GetUtcNow())], default);
            }
        }));
        await Task.WhenAll(writers);

        var all = await store.ReadPendingAsync(0, 10_000, default);
        Assert.Equal(2000, all.Count);
        Assert.Equal(2000, all.Select(m => m.Id).Distinct().Count());
        Assert.Equal(2000, (await store.GetStatsAsync(default)).Pending);
        await CloseAsync(store);
    }

    [Fact]
    public async Task ReportDrops_NothingDropped_WritesNothing()
    {
        var store = await OpenAsync();

        var reported = await store.ReportDropsAsync((n, s) => Messages.Event(s, Time.GetUtcNow()), default);

        Assert.Equal(0, reported);
        Assert.Empty(await store.ReadPendingAsync(0, 10, default));
        await CloseAsync(store);
    }

    [Fact]
    public async Task Append_InvalidMessage_Throws()
    {
        var store = await OpenAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.AppendAsync([Messages.Result(1, Time.GetUtcNow()) with { Id = "" }], default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ReadPendingAsync(0, 0, default));

        Assert.Equal(0, (await store.GetStatsAsync(default)).Pending);
        await CloseAsync(store);
    }

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
