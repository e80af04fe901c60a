namespace EdgeNode.Storage;

/// <summary>What a completed write survives (SQLite WAL <c>synchronous</c> level).</summary>
public enum StorageDurability
{
    /// <summary><c>synchronous=NORMAL</c>: survives a crash of the process; power loss may lose the last commits, never the file.</summary>
    Normal,

    /// <summary><c>synchronous=FULL</c>: also survives power loss (fsync of the WAL on every commit).</summary>
    Full,
}
