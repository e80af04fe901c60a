using System.Diagnostics;

namespace EdgeNode.Testing;

/// <summary>
/// A size-limited tmpfs mounted on a fresh folder (needs root, as the CI container runs): a real ENOSPC and a real
/// read-only filesystem for storage tests. Unmounted and removed on dispose.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private readonly TempDirectory _directory = new();

    private Tmpfs(long bytes)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", Path);
    }

    /// <summary>The mount point.</summary>
    public string Path => _directory.Path;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/>.</summary>
    /// <exception cref="InvalidOperationException">mount failed (not root?).</exception>
    public static Tmpfs Mount(long bytes) => new(bytes);

    /// <summary>A path inside the mount.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Remounts it read-only (EROFS for every write).</summary>
    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    /// <summary>
    /// Sets or clears the immutable attribute (<c>chattr +i</c>) of the file or folder <paramref name="name"/> in the mount:
    /// even root can then neither write it nor create or delete entries in it; the files in an immutable folder stay writable.
    /// </summary>
    public void SetImmutable(string name, bool immutable) => Run("chattr", immutable ? "+i" : "-i", File(name));

    /// <summary>Fills the free space with a file, so the next write that needs a block fails with ENOSPC.</summary>
    public void Fill()
    {
        using var filler = new FileStream(File(".filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
        }
        catch (InvalidOperationException)
        {
            // Best effort; the folder removal below reports nothing either.
        }

        _directory.Dispose();
    }

    private static void Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} (these storage tests need root)");
        }
    }
}
