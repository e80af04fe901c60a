using System.Runtime.InteropServices;

namespace EdgeNode.Common;

/// <summary>fsync(2) of a directory, which .NET does not offer: it makes a rename or a new file in it durable.</summary>
internal static partial class DirectorySync
{
    /// <summary>Flushes <paramref name="directory"/>'s entries to disk (POSIX; a no-op on Windows, where NTFS journals renames).</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // O_RDONLY (0) opens a directory on Linux and macOS; O_DIRECTORY would differ between x64 and arm64.
        var fd = Open(directory, 0);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            // EINVAL: the file system does not support fsync of a directory (some FUSE and network mounts); nothing more can be done there.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != EInval)
            {
                throw new IOException($"Cannot flush the directory '{directory}' (errno {errno}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private const int EInval = 22;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
