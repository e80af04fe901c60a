using Microsoft.Extensions.Logging;

namespace EdgeNode.Storage;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Storage {Path}: schema v{Version}, {Pending} undelivered, cap {CapBytes} bytes, durability {Durability}")]
    public static partial void Opened(ILogger logger, string path, int version, long pending, long capBytes, StorageDurability durability);

    [LoggerMessage(2, LogLevel.Error, "Database {Path} is damaged or unreadable ({Reason}); moved aside to {MovedTo} and started a fresh one")]
    public static partial void MovedAside(ILogger logger, string path, string reason, string movedTo);

    [LoggerMessage(12, LogLevel.Warning, "Database {Path} cannot be opened (attempt {Attempt} of {Attempts}, {Reason}); it is not damaged and stays where it is; retrying in {DelaySeconds} s")]
    public static partial void OpenRetrying(ILogger logger, string path, int attempt, int attempts, string reason, double delaySeconds);

    [LoggerMessage(13, LogLevel.Information, "Deleted the damaged copy {Path}: only the newest {Keep} are kept")]
    public static partial void CorruptCopyDeleted(ILogger logger, string path, int keep);

    [LoggerMessage(14, LogLevel.Warning, "Could not delete the damaged copy {Path}: {Reason}")]
    public static partial void CorruptCopyNotDeleted(ILogger logger, string path, string reason);

    [LoggerMessage(15, LogLevel.Error, "Database {Path} is damaged: the drain's reads or delivery marks fail ({Reason}); {Lost} undelivered items are in the damaged file; repeated failures make the node unhealthy and the restart moves the file aside")]
    public static partial void DamagedWhileRunning(ILogger logger, string path, string reason, long lost);

    [LoggerMessage(16, LogLevel.Information, "Database {Path}: the drain got past the damage after {Failures} damaged reads or marks")]
    public static partial void DamageReadRecovered(ILogger logger, string path, long failures);

    [LoggerMessage(3, LogLevel.Error, "Storage full: {Count} items could not be stored ({Reason}); retention evicted what its policy allows, the node keeps running")]
    public static partial void StorageFull(ILogger logger, int count, string reason);

    [LoggerMessage(4, LogLevel.Information, "Storage writable again after {Failures} failed items")]
    public static partial void StorageRecovered(ILogger logger, long failures);

    [LoggerMessage(5, LogLevel.Warning, "Size cap reached: dropped {Count} oldest undelivered {Kind} items ({Total} dropped in all)")]
    public static partial void Dropped(ILogger logger, long count, string kind, long total);

    [LoggerMessage(6, LogLevel.Error, "Storage write of {Count} items failed: {Reason}")]
    public static partial void WriteFailed(ILogger logger, int count, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Retention pruned {Count} delivered items older than {Cutoff}")]
    public static partial void Pruned(ILogger logger, long count, DateTimeOffset cutoff);
}
