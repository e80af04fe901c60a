using Microsoft.Data.Sqlite;

namespace EdgeNode.Storage;

/// <summary>Classifies SQLite result codes (primary codes; extended codes carry them in the low byte).</summary>
internal static class SqliteErrors
{
    private const int IoErr = 10;
    private const int Corrupt = 11;
    private const int CantOpen = 14;
    private const int Full = 13;
    private const int NotADb = 26;

    /// <summary>SQLITE_FULL (disk or <c>max_page_count</c>) or an I/O error such as ENOSPC while writing.</summary>
    public static bool IsFull(SqliteException ex) => Primary(ex) is Full or IoErr;

    /// <summary>
    /// The file itself is damaged: corrupt (the integrity check failed) or not a database. CANTOPEN and IOERR are not
    /// damage: a full disk, a transient EIO, a permission or a read-only filesystem give them for a healthy file, which
    /// must stay where it is with its undelivered backlog.
    /// </summary>
    public static bool IsDamage(SqliteException ex) => Primary(ex) is Corrupt or NotADb;

    private static int Primary(SqliteException ex) => ex.SqliteErrorCode & 0xFF;
}
