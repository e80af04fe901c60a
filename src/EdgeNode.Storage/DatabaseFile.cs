using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Storage;

/// <summary>Opens the node's database file: damage check at start-up, move-aside, migrations, pragmas.</summary>
internal static class DatabaseFile
{
    /// <summary>Opens a read-write connection, migrated; a damaged file is moved aside and replaced by a fresh one.</summary>
    public static async Task<SqliteConnection> OpenWriterAsync(string path, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                ProbeFolder(path);
                return await OpenCheckedAsync(path, cancellationToken);
            }
            catch (SqliteException ex) when (SqliteErrors.IsDamage(ex) && File.Exists(path))
            {
                var movedTo = MoveAside(path, time);
                Log.MovedAside(logger, path, ex.Message, movedTo);
                CorruptCopies.Prune(path, logger);
                return await OpenCheckedAsync(path, cancellationToken);
            }
            catch (Exception ex) when (IsNotDamage(ex) && attempt < OpenAttempts)
            {
                // Not damage (full disk, EIO, permissions, read-only filesystem): the file stays, the open is retried.
                Log.OpenRetrying(logger, path, attempt, OpenAttempts, ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
                delay *= 2;
            }
            catch (Exception ex) when (IsNotDamage(ex))
            {
                throw new IOException($"Database {path} cannot be opened after {OpenAttempts} attempts ({ex.Message}). It is not damaged and was left where it is, with its undelivered data: free space, fix the permissions or remount the filesystem read-write, then start the node again.", ex);
            }
        }
    }

    /// <summary>Opens tried before a database that is not damaged but cannot be opened is reported (exit 74).</summary>
    internal const int OpenAttempts = 4;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(0.25);

    /// <summary>SQLITE_READONLY: what a write to the file would fail with.</summary>
    private const int ReadOnly = 8;

    private static bool IsNotDamage(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException;

    /// <summary>
    /// The folder must take new files (the WAL, its index, the node's other state): a read-only filesystem or an
    /// immutable folder is found here, before SQLite would open an existing file read-only without a word.
    /// </summary>
    private static void ProbeFolder(string path)
    {
        var probe = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "." + Path.GetFileName(path) + ".probe-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the folder of {path} is read-only ({ex.Message})", ex);
        }
    }

    /// <summary>Opens a connection (no migration) for reading; <paramref name="readOnly"/> forbids any write.</summary>
    public static SqliteConnection Create(string path, bool readOnly) => new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = false,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
    }.ToString());

    public static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static async Task<SqliteConnection> OpenCheckedAsync(string path, CancellationToken cancellationToken)
    {
        var connection = Create(path, readOnly: false);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
            {
                // SQLite falls back to read-only when it cannot open the file for writing (a read-only filesystem,
                // an immutable file): every write would fail later, so the start fails here and the file stays.
                throw new SqliteException($"{path} is read-only: the filesystem or the file refuses writes", ReadOnly);
            }

            var version = await ScalarAsync(connection, "PRAGMA user_version", cancellationToken);
            if (version > SchemaMigrations.LatestVersion)
            {
                // Written by a newer EdgeNode: keep it intact rather than treat it as damage.
                throw new InvalidDataException($"Database {path} has schema v{version}; this build knows up to v{SchemaMigrations.LatestVersion}. Upgrade EdgeNode or point EdgeNode__Storage__Path elsewhere.");
            }

            await using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check(1)";
                var verdict = Convert.ToString(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                if (verdict != "ok")
                {
                    throw new SqliteException("quick_check: " + verdict, 11);
                }
            }

            await SchemaMigrations.ApplyAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            SqliteConnection.ClearAllPools();
            throw;
        }
    }

    private static string MoveAside(string path, TimeProvider time)
    {
        var target = path + ".corrupt-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        File.Move(path, target);
        foreach (var suffix in (string[])["-wal", "-shm", "-journal"])
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix);
            }
        }

        return target;
    }
}
