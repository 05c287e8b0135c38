namespace RmbgPS.Engine.Batch;

/// <summary>
/// Each large image leaves its buffers behind (a 12-MP photo about 170 MB of large-object arrays), and the GC's own
/// budget let a long 12-MP batch reach 2.5 GB of working set, most of it garbage. A full collection after every 48 MB
/// allocated holds it near the live set: a 20-image 12-MP batch peaked at 2147 MB with 384 MB between collections,
/// 1720 MB with 128 and 1690 MB with 48, at the same speed (the heap is a few large arrays, so a collection takes
/// milliseconds; small images rarely trigger one). Asked when an image's work ends, on its worker, as well as when
/// the caller takes it: the buffers are garbage from that moment, and the next image's are about to be allocated.
/// </summary>
public static class LargeGarbage
{
    private const long Allowance = 48L << 20;
    private static long allocatedAtLastCollection = GC.GetTotalAllocatedBytes();

    /// <summary>Collects when 48 MB or more were allocated since the last collection. Thread-safe: one caller collects.</summary>
    public static void CollectIfDue()
    {
        var last = Interlocked.Read(ref allocatedAtLastCollection);
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - last < Allowance || Interlocked.CompareExchange(ref allocatedAtLastCollection, allocated, last) != last)
            return;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        Interlocked.Exchange(ref allocatedAtLastCollection, GC.GetTotalAllocatedBytes());
    }
}
