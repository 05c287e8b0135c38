using System.Runtime.InteropServices;

namespace RmbgPS.Engine.Native;

/// <summary>
/// Keeps glibc's malloc from holding on to the image codecs' freed buffers. glibc serves a block below its mmap
/// threshold from a heap arena, and raises that threshold to the largest block freed so far (up to 32 MB), so after
/// the first big image the codecs' buffers of a few megabytes come from the arenas and stay resident once freed.
/// With the threshold fixed at 1 MB they are mapped and unmapped: a batch of twenty 12-MP photos peaked at 1649 to
/// 1695 MB instead of 1806 to 1826, at the same speed (2026-12-07, bench/README.md). Capping the arenas instead
/// (M_ARENA_MAX) helps only from the process's start, as the environment variable, not from a module loaded later.
/// </summary>
internal static class NativeHeap
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int MmapThreshold = 1 << 20;
    private static int applied;

    /// <summary>
    /// Fixes the threshold once per process; not where the user set MALLOC_MMAP_THRESHOLD_ (their choice stands), and
    /// not off glibc.
    /// </summary>
    public static void KeepLargeBlocksMapped()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref applied, 1) == 1)
            return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_")))
            return;
        try
        {
            mallopt(MmapThresholdOption, MmapThreshold);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc (musl, for one): its allocator has no such setting
        }
    }

    [DllImport("libc")]
    private static extern int mallopt(int option, int value);
}
