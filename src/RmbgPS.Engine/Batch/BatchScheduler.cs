using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine.Batch;

/// <summary>
/// Runs work items on threads of their own, at most <see cref="Limit"/> at once, and hands them back in the
/// order they were submitted. With the model behind a gate, the items in flight naturally split into one
/// in the model while the others decode and prepare, or composite and encode, on the remaining cores.
/// Not thread-safe: one caller (the PowerShell pipeline thread) submits and takes; only the work runs elsewhere.
/// </summary>
public sealed class BatchScheduler<T> : IDisposable
{
    private readonly Queue<Task<T>> inFlight = new();
    private readonly CancellationTokenSource cancellation;

    public BatchScheduler(int limit, CancellationToken cancellationToken, WorkerPriority workerPriority = WorkerPriority.BelowNormal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        WorkerPriority = workerPriority;
        cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    private int limit;

    /// <summary>How many items may be in flight; a batch may widen it as it goes (<see cref="WorkerSizing"/>).</summary>
    public int Limit
    {
        get => limit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            limit = value;
        }
    }
    /// <summary>How the items that overlap others are scheduled (<see cref="BatchThread.Enter"/>).</summary>
    public WorkerPriority WorkerPriority { get; }
    public int Count => inFlight.Count;
    public bool IsFull => inFlight.Count >= Limit;

    /// <summary>Starts a work item; its token is cancelled when the pipeline's token is or the pipeline is disposed.</summary>
    public void Submit(Func<CancellationToken, T> work)
    {
        if (IsFull)
            throw new InvalidOperationException("The pipeline is full: take the oldest item first.");
        var token = cancellation.Token;
        // A thread of its own (LongRunning): items block on the model's gate for seconds, and pool threads
        // held that way would starve the pool the image stages' parallel loops run on.
        // Alone in flight (one at a time, a single image, the first of a batch), an item may use every core.
        var background = inFlight.Count > 0;
        var priority = WorkerPriority;
        inFlight.Enqueue(Task.Factory.StartNew(() =>
        {
            if (background)
                BatchThread.Enter(priority);
            return work(token);
        }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default));
    }

    /// <summary>The oldest item when it has finished (successfully or not); false while it still runs.</summary>
    public bool TryTakeFinished(out Task<T> finished)
    {
        if (inFlight.TryPeek(out var oldest) && oldest.IsCompleted)
        {
            finished = inFlight.Dequeue();
            CollectLargeGarbage();
            return true;
        }
        finished = null!;
        return false;
    }

    /// <summary>
    /// Waits for the oldest item and takes it (faulted or cancelled ones too: the caller reads the task). A stop
    /// cancels the item's own token, so the wait is short then, and nothing is left running behind it.
    /// </summary>
    public Task<T> TakeOldest()
    {
        var oldest = inFlight.Dequeue();
        WaitQuietly(oldest);
        CollectLargeGarbage();
        return oldest;
    }

    /// <summary>Cancels what is still in flight and waits until every item has ended, so no work outlives its caller.</summary>
    public void Dispose()
    {
        cancellation.Cancel();
        foreach (var item in inFlight)
            WaitQuietly(item);
        inFlight.Clear();
        cancellation.Dispose();
    }

    /// <summary>
    /// Each large image leaves its buffers behind (a 12-MP photo about 110 MB of large-object arrays), and the
    /// GC's own budget let a long 12-MP batch reach 2.5 GB of working set, most of it garbage. A full
    /// collection after every 48 MB allocated holds it near the live set: a 20-image 12-MP batch peaked at
    /// 2147 MB with 384 MB between collections, 1720 MB with 128 and 1690 MB with 48, at the same speed
    /// (the heap is a few large arrays, so a collection takes milliseconds; small images rarely trigger one).
    /// </summary>
    private void CollectLargeGarbage()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        if (allocated - allocatedAtLastCollection < GarbageAllowance)
            return;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
    }

    private const long GarbageAllowance = 48L << 20;
    private long allocatedAtLastCollection = GC.GetTotalAllocatedBytes();

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // the outcome is read from the task by whoever takes it
        }
    }
}
