namespace EdgeNode.Health;

/// <summary>
/// When damage found while running makes the node unhealthy: after <see cref="UnhealthyAfter"/> failed reads of the
/// outbox in a row, not at the first (one failed read may be a page being rewritten under a checkpoint). Unhealthy
/// stops the systemd watchdog's pings; the restart's damage check moves the file aside and starts a fresh one.
/// </summary>
internal static class StorageDamage
{
    /// <summary>Consecutive damaged reads from which the resources check is unhealthy.</summary>
    public const int UnhealthyAfter = 3;

    /// <summary>The problem to report, or null while the database reads (fewer than <see cref="UnhealthyAfter"/> failures in a row).</summary>
    public static string? Problem(long inARow, long total, long lost) => inARow < UnhealthyAfter
        ? null
        : $"the database is damaged: {inARow} reads of undelivered items in a row failed ({total} since start), {lost} undelivered items cannot be sent; a restart moves the file aside";
}
