using System.Runtime.InteropServices;

namespace RmbgPS.Engine.Pipeline;

/// <summary>
/// Marks a pipelined batch's worker threads. They run below normal priority, so the model's threads get
/// the cores whenever they want them and the workers fill the gaps; and their loops over image rows run
/// inline rather than on the thread pool, whose threads would run at normal priority and compete with the
/// model again. Measured on 2 cores: see the README's throughput section.
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
            {
                // SCHED_IDLE: the thread runs only on a core nobody else wants, and a model thread waking up
                // takes the core back at once (a merely niced thread keeps it for a scheduler slice, and the
                // model wakes hundreds of times per run). Allowed without privileges; niceness if it is refused.
                var none = 0;
                if (sched_setscheduler(gettid(), SchedIdle, ref none) != 0)
                    _ = setpriority(0, gettid(), 19);
            }
            else
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException)
        {
            // Only slower: the workers then compete with the model at equal priority.
        }
    }

    private const int SchedIdle = 5;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int priority);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setscheduler(int pid, int policy, ref int schedParam);

    [DllImport("libc")]
    private static extern int gettid();
}
