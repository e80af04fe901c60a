using System.Runtime.InteropServices;

namespace EdgeNode.Learning;

/// <summary>
/// Runs CPU-heavy training on a dedicated thread that yields to inference. .NET's <see cref="ThreadPriority"/> has
/// no effect on Linux, so the thread puts itself in the <c>SCHED_IDLE</c> class (it runs only on a core nothing else
/// wants, and a waking inference thread preempts it at once) and at nice 19 (<c>setpriority</c> on its thread id),
/// which is what remains where <c>SCHED_IDLE</c> is refused.
/// </summary>
public static partial class LowPriorityWork
{
    private const int PriorityProcess = 0; // PRIO_PROCESS: with a thread id, one thread on Linux
    private const int Nicest = 19;
    private const int SchedIdle = 5;

    /// <summary>Runs <paramref name="work"/> on a new low-priority background thread named <paramref name="name"/>.</summary>
    public static async Task<T> RunAsync<T>(string name, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            LowerCurrentThread();
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                // Handed to the awaiting caller, not swallowed.
                error = ex;
            }
        })
        {
            IsBackground = true,
            Name = name,
            Priority = ThreadPriority.Lowest,
        };
        thread.Start();

        // Polled, not signalled from the worker: a continuation queued by a nice-19 thread can make the thread pool
        // start a new worker from it, and Linux threads inherit their creator's nice value (inference would then
        // run at nice 19 too).
        while (!thread.Join(0))
        {
            await Task.Delay(20);
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return result;
    }

    /// <summary>Puts the calling thread in <c>SCHED_IDLE</c> at nice 19 on Linux; true when either took effect.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var tid = GetThreadId();
            var parameters = 0; // struct sched_param { int sched_priority; } = { 0 }
            var idle = SetScheduler(tid, SchedIdle, ref parameters) == 0;
            return (SetPriority(PriorityProcess, tid, Nicest) == 0) || idle;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The calling thread's nice value on Linux (null elsewhere).</summary>
    public static int? CurrentThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Marshal.SetLastPInvokeError(0);
        var nice = GetPriority(PriorityProcess, GetThreadId());
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    /// <summary>The calling thread's scheduling policy on Linux (5 is <c>SCHED_IDLE</c>); null elsewhere.</summary>
    public static int? CurrentThreadPolicy() => OperatingSystem.IsLinux() ? GetScheduler(GetThreadId()) : null;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SetScheduler(int pid, int policy, ref int parameters);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    private static partial int GetScheduler(int pid);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
