namespace EdgeNode.Storage;

/// <summary>
/// Items could not be stored because the disk or the database's size cap is full, even after retention
/// evicted what its policy allows. The node keeps running; the condition is reported in telemetry.
/// </summary>
public sealed class StorageFullException : IOException
{
    public StorageFullException()
    {
    }

    public StorageFullException(string message)
        : base(message)
    {
    }

    public StorageFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
