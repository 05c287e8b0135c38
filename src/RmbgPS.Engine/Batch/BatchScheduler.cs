namespace RmbgPS.Engine.Batch;

/// <summary>
/// Runs work items on threads of their own, at most <see cref="Limit"/> at once and within a memory
/// <see cref="Budget"/> by their declared cost, and hands them back in the order they were submitted. With the model behind a gate, the items in flight naturally split into one
/// in the model while the others decode and prepare, or composite and encode, on the remaining cores.
/// Not thread-safe: one caller (the PowerShell pipeline thread) submits and takes; only the work runs elsewhere.
/// </summary>
public sealed class BatchScheduler<T> : IDisposable
{
    private readonly Queue<(Task<T> Task, long Cost, bool Runs)> inFlight = new();
    private int running;
    private long costInFlight;
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
    /// <summary>The bytes the items in flight may hold together; one item is admitted alone whatever its cost.</summary>
    public long Budget { get; set; } = long.MaxValue;
    public int Count => inFlight.Count;
    public bool IsFull => running >= Limit;
    /// <summary>The declared cost of the work items not yet taken.</summary>
    public long CostInFlight => costInFlight;

    /// <summary>Whether an item of this cost may start now: under the limit, and within the budget unless nothing runs.</summary>
    public bool CanAdmit(long cost) => !IsFull && (running == 0 || costInFlight + cost <= Budget);

    /// <summary>Queues a result that needs no work (a refusal found while planning), so it is handed back in order.</summary>
    public void Add(T result) => inFlight.Enqueue((Task.FromResult(result), 0, false));

    /// <summary>Starts a work item; its token is cancelled when the pipeline's token is or the pipeline is disposed.</summary>
    public void Submit(Func<CancellationToken, T> work, long cost = 0)
    {
        if (!CanAdmit(cost))
            throw new InvalidOperationException("The pipeline is full: take the oldest item first.");
        var token = cancellation.Token;
        // A thread of its own (LongRunning): items block on the model's gate for seconds, and pool threads
        // held that way would starve the pool the image stages' parallel loops run on.
        // Alone in flight (one at a time, a single image, the first of a batch), an item may use every core.
        var background = running > 0;
        var priority = WorkerPriority;
        running++;
        costInFlight += cost;
        inFlight.Enqueue((Task.Factory.StartNew(() =>
        {
            if (background)
                BatchThread.Enter(priority);
            return work(token);
        }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default), cost, true));
    }

    /// <summary>The oldest item when it has finished (successfully or not); false while it still runs.</summary>
    public bool TryTakeFinished(out Task<T> finished)
    {
        if (inFlight.TryPeek(out var oldest) && oldest.Task.IsCompleted)
        {
            finished = Dequeue();
            LargeGarbage.CollectIfDue();
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
        var oldest = Dequeue();
        WaitQuietly(oldest);
        LargeGarbage.CollectIfDue();
        return oldest;
    }

    private Task<T> Dequeue()
    {
        var (task, cost, runs) = inFlight.Dequeue();
        if (runs)
        {
            running--;
            costInFlight -= cost;
        }
        return task;
    }

    /// <summary>Cancels what is still in flight and waits until every item has ended, so no work outlives its caller.</summary>
    public void Dispose() => Abandon();

    /// <summary>
    /// Cancels what is in flight, waits for it to end, and returns the results that were made anyway but never taken
    /// (an item past its last check for the stop), so the caller can undo what they did.
    /// </summary>
    public IReadOnlyList<T> Abandon()
    {
        if (disposed)
            return [];
        disposed = true;
        cancellation.Cancel();
        foreach (var item in inFlight)
            WaitQuietly(item.Task);
        var made = inFlight.Where(item => item.Runs && item.Task.IsCompletedSuccessfully).Select(item => item.Task.Result).ToList();
        inFlight.Clear();
        (running, costInFlight) = (0, 0);
        cancellation.Dispose();
        return made;
    }

    private bool disposed;

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
