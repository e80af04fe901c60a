using System.Globalization;
using EdgeNode.Core;

namespace EdgeNode.Storage;

/// <summary>
/// The bounds a sample must fit inside the one database file it shares with the outbox: the number of classes, the
/// samples' bytes (<see cref="StorageOptions.SampleBudgetBytes"/>), and the file's size cap, where a sample is refused
/// once the file is at retention's low-water mark, so that a sample never makes retention evict undelivered results.
/// </summary>
internal sealed class SampleBounds(SizeBudget budget, int maxClasses, long maxSampleBytes, double capMegabytes, double sampleMegabytes)
{
    /// <summary>
    /// The cap as SQLite enforces it, set on every connection that writes the file (these settings are per connection):
    /// the database's page limit and the WAL's checkpoint and size limit, as the outbox's writer sets them.
    /// </summary>
    public string ConnectionPragmas => string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count={budget.MaxPages}; PRAGMA journal_size_limit={budget.WalBytes}; PRAGMA wal_autocheckpoint={budget.AutoCheckpointPages};");

    public static SampleBounds For(StorageOptions options, int maxClasses, int pageSize) =>
        new(SizeBudget.FromMegabytes(options.MaxSizeMegabytes, pageSize), maxClasses, options.SampleBudgetBytes, options.MaxSizeMegabytes, options.MaxSampleMegabytes);

    /// <summary>Refuses a label that would open a class past the bound.</summary>
    public void CheckClass(string label, long classes, bool known)
    {
        if (!known && classes >= maxClasses)
        {
            throw new SampleRefusedException("too_many_classes", $"The sample store already holds {classes} classes, the most allowed (EdgeNode__Learning__MaxClasses = {maxClasses}); '{label}' would be a new one. Nothing was stored; remove a class's samples or raise the bound.");
        }
    }

    /// <summary>Refuses a sample that would take the samples past their byte bound.</summary>
    public void CheckBytes(long heldBytes, long addedBytes)
    {
        if (heldBytes + addedBytes > maxSampleBytes)
        {
            throw new SampleRefusedException("samples_full", string.Format(CultureInfo.InvariantCulture, "Samples take {0:F2} MiB of the {1:F2} MiB allowed (EdgeNode__Storage__MaxSampleMegabytes = {2}, at most a quarter of EdgeNode__Storage__MaxSizeMegabytes); this one ({3} bytes) was not stored. Undelivered results keep their room.", heldBytes / 1048576.0, maxSampleBytes / 1048576.0, sampleMegabytes, addedBytes));
        }
    }

    /// <summary>Refuses a sample once the file holds as many pages as retention evicts down to (checked after the insert, inside its transaction).</summary>
    public void CheckFile(long usedPages)
    {
        if (usedPages > budget.LowWaterPages)
        {
            throw Full(null);
        }
    }

    /// <summary>The refusal for a file at its cap (also when SQLite itself refused to grow it).</summary>
    public SampleRefusedException Full(Exception? inner) => new(
        "storage_full",
        string.Format(CultureInfo.InvariantCulture, "The database is at its size cap (EdgeNode__Storage__MaxSizeMegabytes = {0}): storing the sample would make room by evicting undelivered results, so it was not stored. Labels are taken again once the backlog is delivered.", capMegabytes),
        inner);
}
