namespace EdgeNode.Storage;

/// <summary>
/// Undelivered items could not be read because the database file is damaged (SQLite <c>CORRUPT</c> or <c>NOTADB</c>)
/// while the node runs. Counted in <see cref="Core.OutboxStats.DamagedBatches"/>; consecutive ones make the node
/// unhealthy, so that a restart moves the file aside (docs/storage.md, Damage).
/// </summary>
public sealed class StorageDamagedException : IOException
{
    public StorageDamagedException()
    {
    }

    public StorageDamagedException(string message)
        : base(message)
    {
    }

    public StorageDamagedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
