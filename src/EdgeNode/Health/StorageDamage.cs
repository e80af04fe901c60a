namespace EdgeNode.Health;

/// <summary>
/// When damage found while running makes the node unhealthy: after <see cref="UnhealthyAfter"/> failed batches of the
/// drain in a row (reads or delivery marks), not at the first. Unhealthy
/// stops the systemd watchdog's pings; the restart's damage check moves the file aside and starts a fresh one.
/// </summary>
internal static class StorageDamage
{
    /// <summary>Consecutive damaged drain batches from which the resources check is unhealthy.</summary>
    public const int UnhealthyAfter = 3;

    /// <summary>The problem to report, or null while the drain works (fewer than <see cref="UnhealthyAfter"/> failures in a row).</summary>
    public static string? Problem(long inARow, long total, long lost) => inARow < UnhealthyAfter
        ? null
        : $"the database is damaged: {inARow} batches of the outbox drain in a row failed ({total} since start), {lost} undelivered items cannot be sent; a restart moves the file aside";
}
