using System.Runtime.InteropServices;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Batch;

/// <summary>
/// Marks a pipelined batch's worker threads. They run below normal priority (nice 10 by default, see
/// <see cref="WorkerPriority"/>), so the model's threads mostly get the cores when they want them; and their
/// loops over image rows run inline rather than on the thread pool, whose threads would run at normal priority
/// and compete with the model again. SCHED_IDLE is faster on an otherwise idle machine, but next to any other
/// busy process it starves the workers and the batch (and Ctrl+C) stall; nice 10 still gets them a tenth of a
/// contended core, so Idle is a choice for dedicated machines, not the default.
/// </summary>
public static class BatchThread
{
    /// <summary>True on a batch worker: the one mark a worker carries is that its row loops stay on it.</summary>
    public static bool IsCurrent => !RowBlocks.FanOutOnThisThread;

    private static int defaultPriority = (int)WorkerPriority.BelowNormal;

    /// <summary>
    /// The priority a batch's workers get unless it asks for another, for the whole process (Set-RmbgDevice
    /// -WorkerPriority). Kept here, not in the engine's settings: no model session depends on it, so changing it
    /// never reloads one.
    /// </summary>
    public static WorkerPriority DefaultPriority
    {
        get => (WorkerPriority)Volatile.Read(ref defaultPriority);
        set => Volatile.Write(ref defaultPriority, (int)value);
    }

    /// <summary>Makes the calling thread a batch worker for the rest of its life, scheduled at <paramref name="priority"/>.</summary>
    public static void Enter(WorkerPriority priority = WorkerPriority.BelowNormal)
    {
        RowBlocks.FanOutOnThisThread = false;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // Per thread on Linux; lowering one's own priority needs no privilege.
                if (priority == WorkerPriority.BelowNormal)
                    _ = setpriority(0, gettid(), 10);
                else if (priority == WorkerPriority.Idle)
                {
                    var parameters = 0; // struct sched_param { int sched_priority; }, 0 for SCHED_IDLE
                    _ = sched_setscheduler(gettid(), SchedIdle, ref parameters);
                }
            }
            else if (priority != WorkerPriority.Normal)
                Thread.CurrentThread.Priority = priority == WorkerPriority.Idle ? ThreadPriority.Lowest : ThreadPriority.BelowNormal;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException)
        {
            // Only slower: the workers then compete with the model at equal priority.
        }
    }

    private const int SchedIdle = 5;

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setscheduler(int pid, int policy, ref int parameters);

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int priority);


    [DllImport("libc")]
    private static extern int gettid();
}
