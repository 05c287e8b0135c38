using System.Runtime.InteropServices;
using RmbgPS.Engine.Native;

namespace RmbgPS.Tests.Native;

/// <summary>Alone: other tests' allocations would change what the arenas hold while this one counts on them.</summary>
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapCollection;

[Collection(nameof(NativeHeapTests))]
public class NativeHeapTests
{
    [Fact]
    public unsafe void Picture_sized_blocks_are_mapped_on_their_own_even_after_a_larger_one_was_freed()
    {
        if (!IsGlibc() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_")))
            return; // the setting is glibc's, and a user's own choice is left alone
        NativeHeap.KeepLargeBlocksMapped();

        // Freeing a 16-MB block would raise glibc's own threshold to 16 MB, and 2-MB blocks would then all come from
        // the heap arenas, whose freed memory stays resident. Fixed, a 2-MB block that the arenas' free space cannot
        // hold (the first, or one of the first few) is a mapping of its own, unmapped when freed.
        NativeMemory.Free(NativeMemory.Alloc(16 << 20));
        var blocks = new List<nint>();
        try
        {
            while (blocks.Count < 128)
            {
                blocks.Add((nint)NativeMemory.Alloc(2 << 20));
                if (IsMapped(blocks[^1]))
                    break;
            }
            Assert.True(IsMapped(blocks[^1]), $"none of {blocks.Count} blocks of 2 MB was mapped on its own");
        }
        finally
        {
            foreach (var block in blocks)
                NativeMemory.Free((void*)block);
        }
    }

    /// <summary>glibc's chunk header: the size word before the block, whose bit 1 (IS_MMAPPED) marks a mapping of its own.</summary>
    private static unsafe bool IsMapped(nint block) => (*(ulong*)(block - sizeof(ulong)) & 2) != 0;

    private static bool IsGlibc()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return gnu_get_libc_version() != 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // musl, for one
        }
    }

    [DllImport("libc")]
    private static extern nint gnu_get_libc_version();
}
