namespace EdgeNode.Learning;

/// <summary>Replaces a file so that a crash leaves either the old or the new content, never a mix.</summary>
public static class AtomicFile
{
    /// <summary>Writes a temporary file next to <paramref name="path"/>, flushes it to disk (fsync), then renames it over <paramref name="path"/>.</summary>
    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), cancellationToken);

    /// <summary>As <see cref="WriteAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>, with the content written by <paramref name="write"/> (large files).</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            // rename(2) is atomic on POSIX file systems; the temp file was fsynced first, so the new name never points at unwritten data.
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
