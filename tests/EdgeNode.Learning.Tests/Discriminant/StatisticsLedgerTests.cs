using EdgeNode.Core;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Storage;
using EdgeNode.Testing;

namespace EdgeNode.Learning.Tests.Discriminant;

public sealed class StatisticsLedgerTests
{
    private const string Model = "resnet18";
    private const double Validation = 0.2;

    [Fact]
    public async Task Ledger_PastTheReservoirAndAcrossRestart_KeepsEveryTrainingLabel()
    {
        using var folder = new TempDirectory();
        var (train, _) = Blobs.Make(classes: 2, dimension: 8, trainPerClass: 30, testPerClass: 1, spread: 1f);
        var ledgerPath = folder.File("statistics.bin");
        var expected = new DiscriminantStatistics(train.Dimension);
        await using (var sqlite = await SqliteSampleStore.OpenAsync(folder.File("samples.db"), seed: 1))
        {
            using var ledger = StatisticsLedger.Open(ledgerPath, Validation, out _);
            var store = new LedgerSampleStore(sqlite, ledger);
            await ledger.SnapshotAsync(Model, train.Dimension, [], default);
            for (var i = 0; i < train.Count; i++)
            {
                // A reservoir of 5 per class keeps a sixth of the labels; the ledger counts every one outside the validation split.
                var added = await store.AddAsync(Sample(train, i), capacityPerClass: 5, default);
                if (!(added.Stored && GatedTraining.IsValidation(added.Id, Validation)))
                {
                    expected.Add(train.Row(i), train.LabelOf(i));
                }
            }

            Assert.Equal(10, (await sqlite.ListAsync(new SampleQuery(Limit: 1000), default)).Count);
        }

        using var reopened = StatisticsLedger.Open(ledgerPath, Validation, out var problem);
        var statistics = await reopened.SnapshotAsync(Model, train.Dimension, [], default);

        Assert.Null(problem);
        Assert.True(expected.Count > 40, $"{expected.Count} training labels");
        Assert.Equal(expected.Count, statistics.Count);
        Assert.Equal(expected.SecondMoment.ToArray(), statistics.SecondMoment.ToArray());
    }

    [Fact]
    public async Task Ledger_RemovedSample_RebuildsFromTheStore()
    {
        using var folder = new TempDirectory();
        var (train, _) = Blobs.Make(classes: 2, dimension: 4, trainPerClass: 6, testPerClass: 1, spread: 1f);
        await using var sqlite = await SqliteSampleStore.OpenAsync(folder.File("samples.db"), seed: 1);
        using var ledger = StatisticsLedger.Open(folder.File("statistics.bin"), 0, out _);
        var store = new LedgerSampleStore(sqlite, ledger);
        await ledger.SnapshotAsync(Model, train.Dimension, [], default);
        var ids = new List<long>();
        for (var i = 0; i < train.Count; i++)
        {
            ids.Add((await store.AddAsync(Sample(train, i), capacityPerClass: 100, default)).Id);
        }

        Assert.Equal(12, ledger.Count);
        Assert.True(await store.RemoveAsync(ids[0], default));

        var stored = await sqlite.ListAsync(new SampleQuery(Limit: 1000, IncludeEmbedding: true), default);
        var statistics = await ledger.SnapshotAsync(Model, train.Dimension, stored, default);
        Assert.Equal(11, statistics.Count);
    }

    [Fact]
    public async Task Open_CorruptFile_ReportsItAndStartsUnseeded()
    {
        using var folder = new TempDirectory();
        var path = folder.File("statistics.bin");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        using var ledger = StatisticsLedger.Open(path, Validation, out var problem);

        Assert.NotNull(problem);
        Assert.Equal(0, ledger.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Offer_OtherBackbone_IsNotCounted()
    {
        using var folder = new TempDirectory();
        using var ledger = StatisticsLedger.Open(folder.File("statistics.bin"), 0, out _);
        await ledger.SnapshotAsync(Model, 2, [], default);

        var counted = await ledger.OfferAsync(new NewSample("cat", "mqtt", "other-backbone", new ReadOnlyMemory<float>([1f, 2f]), DateTimeOffset.UnixEpoch), new SampleAddResult(true, 1, null), default);

        Assert.False(counted);
        Assert.Equal(0, ledger.Count);
    }

    private static NewSample Sample(SampleSet set, int i) => new(set.LabelOf(i), "mqtt", Model, set.Row(i).ToArray(), DateTimeOffset.UnixEpoch.AddSeconds(i));
}
