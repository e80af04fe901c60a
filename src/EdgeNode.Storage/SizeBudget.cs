namespace EdgeNode.Storage;

/// <summary>
/// How a byte cap splits between the database file (enforced by SQLite's <c>max_page_count</c>) and the WAL
/// (kept small by <c>wal_autocheckpoint</c> and <c>journal_size_limit</c>), and where retention starts evicting.
/// </summary>
/// <param name="CapBytes">The whole budget.</param>
/// <param name="PageSize">Database page size.</param>
internal sealed record SizeBudget(long CapBytes, int PageSize)
{
    /// <summary>Bytes reserved for the WAL: a quarter of the cap, at most 4 MiB.</summary>
    public long WalBytes => Math.Clamp(CapBytes / 4, PageSize * 8L, 4L << 20);

    /// <summary>Hard limit on database pages.</summary>
    public long MaxPages => Math.Max(16, (CapBytes - WalBytes) / PageSize);

    /// <summary>Checkpoint once the WAL holds this many pages (a quarter of the reserve, leaving room for one transaction).</summary>
    public long AutoCheckpointPages => Math.Max(4, WalBytes / PageSize / 4);

    /// <summary>
    /// Pages one eviction frees: small against the WAL reserve, so an evicting transaction never pushes the WAL
    /// past it, and at most 5% of the database.
    /// </summary>
    public long EvictPages => Math.Max(1, Math.Min(MaxPages / 20, WalBytes / PageSize / 8));

    /// <summary>Above this many used pages retention evicts, before SQLite has to refuse a write.</summary>
    public long HighWaterPages => MaxPages * 9 / 10;

    /// <summary>Eviction stops at this many used pages, so it runs in steps rather than on every commit.</summary>
    public long LowWaterPages => HighWaterPages - EvictPages;

    public static SizeBudget FromMegabytes(double megabytes, int pageSize) => new((long)(megabytes * 1024 * 1024), pageSize);
}
