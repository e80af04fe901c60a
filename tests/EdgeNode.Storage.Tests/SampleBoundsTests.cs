using EdgeNode.Core;
using EdgeNode.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage.Tests;

/// <summary>
/// Samples inside the one database file (issue 20, item 17): a label flood with new class names and images is bounded,
/// the file stays under its cap, and every undelivered result stays pending; each refusal is a clear error with
/// nothing written. Real SQLite files, the outbox and the sample store on their own connections as in the node.
/// </summary>
public sealed class SampleBoundsTests : IDisposable
{
    private const double CapMegabytes = 2;
    private const int Results = 1000;
    private readonly TempDirectory _dir = new();
    private readonly TimeProvider _time = TimeProvider.System;

    private string Db => _dir.File("edgenode.db");

    private StorageOptions Options => new() { Path = Db, MaxSizeMegabytes = CapMegabytes };

    [Fact]
    public async Task LabelFlood_NewClassNames_BoundedByMaxClasses_TooManyClassesRefused_ResultsAllPending()
    {
        await using var outbox = await SqliteOutboxStore.OpenAsync(Options, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await AppendResultsAsync(outbox, 1, Results);
        await using var samples = await SqliteSampleStore.OpenAsync(Options, maxClasses: 20, seed: 1);

        var refusals = await FloodAsync(samples, 200, imageBytes: 0);

        Assert.Equal(180, refusals.Count);
        Assert.All(refusals, r => Assert.Equal("too_many_classes", r.Code));
        Assert.Contains("EdgeNode__Learning__MaxClasses = 20", refusals[0].Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", refusals[0].Message, StringComparison.Ordinal);
        var classes = await samples.CountByClassAsync(default);
        Assert.Equal(20, classes.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(Name).Order(StringComparer.Ordinal), classes.Select(c => c.Label));
        // A known class still takes labels.
        Assert.True((await samples.AddAsync(Sample(Name(3), 0), 200, default)).Stored);
        await AssertResultsKeptAsync(outbox);
    }

    [Fact]
    public async Task LabelFlood_LargeImages_BoundedBySampleBytes_SamplesFullRefused_FileUnderCap_ResultsAllPending()
    {
        await using var outbox = await SqliteOutboxStore.OpenAsync(Options, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await AppendResultsAsync(outbox, 1, Results);
        await using var samples = await SqliteSampleStore.OpenAsync(Options, maxClasses: 10_000, seed: 1);

        var refusals = await FloodAsync(samples, 200, imageBytes: 16 * 1024);

        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal("samples_full", r.Code));
        Assert.Contains("EdgeNode__Storage__MaxSampleMegabytes", refusals[0].Message, StringComparison.Ordinal);
        var held = await samples.ListAsync(new SampleQuery { Limit = 10_000, IncludeEmbedding = true, IncludeImage = true }, default);
        Assert.Equal(200 - refusals.Count, held.Count);
        // The bound in force is a quarter of the 2 MiB cap.
        Assert.InRange(held.Sum(s => (s.Embedding!.Length * sizeof(float)) + s.Image!.Length), 1, Options.SampleBudgetBytes);
        await AssertResultsKeptAsync(outbox);
    }

    [Fact]
    public async Task Labels_FileNearItsCapWithUndeliveredResults_StorageFullRefused_NoResultEvicted()
    {
        // A long offline period: undelivered results fill the file up to just below retention's low-water mark.
        var options = Options;
        options.MaxSampleMegabytes = CapMegabytes; // only the file's cap limits the samples here
        await using var outbox = await SqliteOutboxStore.OpenAsync(options, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        // Retention's low-water mark for a 2 MiB cap (SizeBudget): 384 pages after the WAL's 512 KiB, 90% less one step of 16.
        const long lowWater = (384 * 9 / 10) - 16;
        long stored = 0;
        while (UsedPages() < lowWater - 24)
        {
            await AppendResultsAsync(outbox, stored + 1, 20);
            stored += 20;
        }

        await using var samples = await SqliteSampleStore.OpenAsync(options, maxClasses: 10_000, seed: 1);
        var refusals = await FloodAsync(samples, 100, imageBytes: 8 * 1024);

        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal("storage_full", r.Code));
        Assert.Contains("evicting undelivered results", refusals[0].Message, StringComparison.Ordinal);
        Assert.InRange(UsedPages(), 0, lowWater);
        // The next results commit without retention evicting any of them.
        await AppendResultsAsync(outbox, stored + 1, 5);
        var stats = await outbox.GetStatsAsync(default);
        Assert.Equal(stored + 5, stats.Pending);
        Assert.Equal(0, stats.Dropped);
        AssertUnderCap();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static string Name(int i) => $"class-{i:D4}";

    private static NewSample Sample(string label, int imageBytes) => new(
        label,
        "mqtt",
        "backbone",
        new ReadOnlyMemory<float>([.. Enumerable.Range(0, 512).Select(i => i / 512f)]),
        DateTimeOffset.UnixEpoch,
        Image: imageBytes == 0 ? null : new ReadOnlyMemory<byte>([.. Enumerable.Range(0, imageBytes).Select(i => (byte)(i * 31))]));

    /// <summary>One label per new class name; returns the refusals, asserting that none left a sample or a class behind.</summary>
    private static async Task<List<SampleRefusedException>> FloodAsync(SqliteSampleStore samples, int count, int imageBytes)
    {
        var refusals = new List<SampleRefusedException>();
        for (var i = 0; i < count; i++)
        {
            try
            {
                Assert.True((await samples.AddAsync(Sample(Name(i), imageBytes), 200, default)).Stored);
            }
            catch (SampleRefusedException ex)
            {
                refusals.Add(ex);
                Assert.DoesNotContain(await samples.CountByClassAsync(default), c => c.Label == Name(i));
            }
        }

        return refusals;
    }

    private async Task AppendResultsAsync(SqliteOutboxStore outbox, long first, int count) =>
        await outbox.AppendAsync([.. Enumerable.Range(0, count).Select(i => Messages.Result(first + i, _time.GetUtcNow()))], default);

    private async Task AssertResultsKeptAsync(SqliteOutboxStore outbox)
    {
        // More results after the flood: retention finds no reason to evict any undelivered one.
        await AppendResultsAsync(outbox, Results + 1, 50);
        var stats = await outbox.GetStatsAsync(default);
        Assert.Equal(Results + 50, stats.Pending);
        Assert.Equal(0, stats.Dropped);
        AssertUnderCap();
    }

    private void AssertUnderCap()
    {
        var bytes = new FileInfo(Db).Length + (File.Exists(Db + "-wal") ? new FileInfo(Db + "-wal").Length : 0);
        Assert.InRange(bytes, 0, (long)(CapMegabytes * 1024 * 1024));
    }

    private long UsedPages()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count())";
        return (long)command.ExecuteScalar()!;
    }
}
