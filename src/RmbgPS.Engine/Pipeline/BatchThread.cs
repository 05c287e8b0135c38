using System.Runtime.InteropServices;

namespace RmbgPS.Engine.Pipeline;

/// <summary>
/// Marks a pipelined batch's worker threads. They run below normal priority (nice 10), so the model's threads
/// mostly get the cores when they want them; and their loops over image rows run inline rather than on the
/// thread pool, whose threads would run at normal priority and compete with the model again. SCHED_IDLE was
/// 3% faster on an otherwise idle machine, but next to any other busy process it starves the workers and the
/// batch (and Ctrl+C) stall; nice 10 still gets them a tenth of a contended core.
/// </summary>
public static class BatchThread
{
    [ThreadStatic]
    private static bool isCurrent;

    /// <summary>True on a batch worker: image-row loops stay on this thread.</summary>
    public static bool IsCurrent => isCurrent;

    /// <summary>Makes the calling thread a batch worker for the rest of its life.</summary>
    public static void Enter()
    {
        isCurrent = true;
        try
        {
            if (OperatingSystem.IsLinux())
                _ = setpriority(0, gettid(), 10); // per thread on Linux; raising niceness needs no privilege
            else
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException)
        {
            // Only slower: the workers then compete with the model at equal priority.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int priority);


    [DllImport("libc")]
    private static extern int gettid();
}
