using System.Runtime.InteropServices;

namespace EdgeNode.Testing;

/// <summary>POSIX signals for process tests (SIGTERM for a clean stop, SIGKILL for a crash).</summary>
public static partial class Posix
{
    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>SIGHUP (mosquitto: reload the configuration, ACL and password files).</summary>
    public const int SigHup = 1;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>.</summary>
    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
