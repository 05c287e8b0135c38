using System.Globalization;
using System.Runtime.InteropServices;
using RmbgPS.Engine.Native;

namespace RmbgPS.Tests.Native;

public class NativeHeapTests
{
    [Fact]
    public unsafe void A_freed_codec_sized_block_goes_back_to_the_system_after_a_larger_one()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_")))
            return; // the setting is glibc's, and a user's own choice is left alone
        NativeHeap.KeepLargeBlocksMapped();

        // Freeing a 16-MB block would raise glibc's own threshold to 16 MB, and a 2-MB block would then come from a
        // heap arena and stay resident once freed. Fixed, the 2-MB block is a mapping of its own, gone when freed.
        NativeMemory.Free(NativeMemory.Alloc(16 << 20));
        var block = (nint)NativeMemory.Alloc(2 << 20);
        try
        {
            Assert.True(IsOwnMapping(block), "a 2-MB block is mapped on its own");
        }
        finally
        {
            NativeMemory.Free((void*)block);
        }
        Assert.False(IsOwnMapping(block), "and unmapped when freed");
    }

    /// <summary>Whether a mapping of the process starts at the block's chunk header (16 bytes before it on 64-bit glibc).</summary>
    private static bool IsOwnMapping(nint block)
    {
        var start = (block - 2 * IntPtr.Size).ToString("x", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/self/maps").Any(line => line.StartsWith(start + "-", StringComparison.Ordinal));
    }
}
