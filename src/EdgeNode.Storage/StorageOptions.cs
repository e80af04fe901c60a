using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Storage;

/// <summary>Options bound from <c>EdgeNode:Storage</c> (see docs/storage.md).</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Storage";

    /// <summary>SQLite database file (<c>EdgeNode__Storage__Path</c>); its directory is created if missing.</summary>
    [Required]
    public string Path { get; set; } = "data/edgenode.db";

    /// <summary>
    /// <see cref="StorageDurability.Normal"/> (default): a committed item survives a killed process;
    /// <see cref="StorageDurability.Full"/>: it also survives power loss, at the cost of one fsync per commit.
    /// </summary>
    public StorageDurability Durability { get; set; } = StorageDurability.Normal;

    /// <summary>
    /// Disk budget for the database and its WAL (<c>EdgeNode__Storage__MaxSizeMegabytes</c>). Retention keeps
    /// the database under it; when it is reached while offline the oldest undelivered results are dropped.
    /// </summary>
    [Range(0.25, 1_048_576)]
    public double MaxSizeMegabytes { get; set; } = 512;

    /// <summary>
    /// <c>EdgeNode__Storage__MaxSampleMegabytes</c>: the most the training samples (embeddings and images) may take in
    /// the database, and never more than a quarter of <see cref="MaxSizeMegabytes"/> (<see cref="SampleBudgetBytes"/>):
    /// samples past it are refused (<c>samples_full</c>), so they never crowd out undelivered results.
    /// </summary>
    [Range(0.01, 1_048_576)]
    public double MaxSampleMegabytes { get; set; } = 64;

    /// <summary>The samples' byte bound in force: <see cref="MaxSampleMegabytes"/>, at most a quarter of the cap.</summary>
    public long SampleBudgetBytes => (long)(Math.Min(MaxSampleMegabytes, MaxSizeMegabytes / 4) * 1024 * 1024);

    /// <summary>Delivered items older than this (by creation time) are deleted.</summary>
    [Range(0.001, 87_600)]
    public double DeliveredRetentionHours { get; set; } = 168;

    /// <summary>Seconds between retention passes (age pruning); the size cap is checked after every commit.</summary>
    [Range(0.1, 3600)]
    public double MaintenanceIntervalSeconds { get; set; } = 30;

    /// <summary>Most items written in one group-commit transaction.</summary>
    [Range(1, 100_000)]
    public int MaxBatchItems { get; set; } = 4096;
}
