namespace EdgeNode.Common;

/// <summary>
/// Replaces a file so that a crash or power loss leaves either the old or the complete new content, never a mix, and
/// never a stray temporary file after a failed write. The one way EdgeNode writes a file that must survive.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    /// <exception cref="IOException">The write failed; <paramref name="path"/> is unchanged.</exception>
    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), cancellationToken);

    /// <summary>
    /// Writes a temporary file next to <paramref name="path"/> with <paramref name="write"/>, flushes it to disk (fsync),
    /// renames it over <paramref name="path"/> and flushes the directory, so that the rename itself survives power loss.
    /// </summary>
    /// <exception cref="IOException">The write failed; <paramref name="path"/> is unchanged and the temporary file removed.</exception>
    public static Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync(path, write, mode: null, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync(string, Func{Stream, CancellationToken, Task}, CancellationToken)"/>, the file created with
    /// <paramref name="mode"/> from the start (a secret is never readable by others, not even as the temporary file).
    /// </summary>
    /// <exception cref="IOException">The write failed; <paramref name="path"/> is unchanged and the temporary file removed.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Names(path);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
            if (mode is { } m && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = m;
            }

            await using (var stream = new FileStream(temp, options))
            {
                await write(stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>As <see cref="WriteAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>, synchronously (command-line tools).</summary>
    /// <exception cref="IOException">The write failed; <paramref name="path"/> is unchanged.</exception>
    public static void Write(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Write(path, stream => stream.Write(content));
    }

    /// <summary>As <see cref="WriteAsync(string, Func{Stream, CancellationToken, Task}, CancellationToken)"/>, synchronously.</summary>
    /// <exception cref="IOException">The write failed; <paramref name="path"/> is unchanged.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Names(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static (string Full, string Temp) Names(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);

        // Hidden, in the same directory (rename(2) is atomic only within one file system), unique per writer.
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        return (full, temp);
    }

    private static void Commit(string temp, string full)
    {
        // The temp file was fsynced first, so the new name never points at unwritten data; fsync of the directory
        // then makes the new name itself durable (ext4 and f2fs on SD cards can otherwise lose the rename).
        File.Move(temp, full, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(full)!);
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The original error matters more; a leftover hidden .tmp is never read.
        }
    }
}
