using System.Collections.Concurrent;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// A session's reusable tensor buffer sets: an image rents one for its prepare and run and returns it, so a batch
/// allocates nothing of the model's size per image. A few sets are kept for the next images; more (after a batch
/// with a high -ThrottleLimit) are freed on return. Disposing frees every set still out or kept.
/// </summary>
internal sealed class TensorBufferPool(Func<TensorBuffers> create) : IDisposable
{
    private const int KeptSets = 4;
    private readonly ConcurrentBag<TensorBuffers> kept = [];
    private readonly List<TensorBuffers> all = [];

    public TensorBuffers Rent()
    {
        if (kept.TryTake(out var buffers))
            return buffers;
        var created = create();
        lock (all)
            all.Add(created);
        return created;
    }

    public void Return(TensorBuffers buffers)
    {
        if (kept.Count < KeptSets)
        {
            kept.Add(buffers);
            return;
        }
        lock (all)
            all.Remove(buffers);
        buffers.Dispose();
    }

    public void Dispose()
    {
        lock (all)
            foreach (var buffers in all)
                buffers.Dispose();
    }
}
