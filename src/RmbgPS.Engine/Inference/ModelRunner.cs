using System.Collections.Concurrent;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// Runs a session's inferences one at a time, in arrival order, on a thread of its own at normal priority.
/// ONNX Runtime uses the calling thread as one of its intra-op threads, so the caller's priority is the
/// model's: batch workers run below normal priority (the batch scheduler's worker threads) and hand the
/// model run over to this thread, so decoding and encoding neighbouring images never stalls an operator
/// that waits for its slowest thread. For a model whose batch axis is free, prepared images that are waiting
/// together are stacked into one run (<see cref="StackSlot"/>), up to <c>maxStack</c> at a time.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly BlockingCollection<Request> queue = new();
    private readonly int maxStack;
    private readonly Action<IReadOnlyList<StackSlot>>? runStack;

    /// <summary>
    /// Starts the model thread now, on the thread that loads the session: on Linux a new thread inherits its
    /// creator's scheduling, and one started by an idle-priority batch worker could never be raised again.
    /// </summary>
    public ModelRunner(string name, int maxStack = 1, Action<IReadOnlyList<StackSlot>>? runStack = null)
    {
        (this.maxStack, this.runStack) = (runStack is null ? 1 : maxStack, runStack);
        new Thread(Loop) { IsBackground = true, Name = $"RmbgPS model {name}" }.Start();
    }

    /// <summary>Requests waiting for the model thread (for tests that line requests up).</summary>
    internal int Waiting => queue.Count;

    /// <summary>
    /// Runs the work on the model thread after the requests before it; cancellation skips it while it waits. With a
    /// <paramref name="slot"/>, the thread may instead run it stacked with other waiting slots and fill the slot's result.
    /// </summary>
    public void Run(Action work, CancellationToken cancellationToken, StackSlot? slot = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new Request(work, cancellationToken, slot);
        queue.Add(request, CancellationToken.None);
        request.Done.Task.GetAwaiter().GetResult();
    }

    private void Loop()
    {
        Request? carried = null;
        while (carried is not null || queue.TryTake(out carried, Timeout.Infinite))
        {
            var first = carried!;
            carried = null;
            if (Skipped(first))
                continue;
            if (first.Slot is null || maxStack == 1 || queue.Count == 0)
            {
                RunAlone(first);
                continue;
            }
            // Take what else is waiting now, without waiting for more: stacking must never delay a run.
            var group = new List<Request> { first };
            while (group.Count < maxStack && queue.TryTake(out var next))
            {
                if (Skipped(next))
                    continue;
                if (next.Slot is null)
                {
                    carried = next; // runs next, on its own, in its turn
                    break;
                }
                group.Add(next);
            }
            if (group.Count == 1)
                RunAlone(first);
            else
                RunStacked(group);
        }
    }

    private static void RunAlone(Request request)
    {
        try
        {
            request.Work();
            request.Done.TrySetResult();
        }
        catch (Exception e)
        {
            request.Done.TrySetException(e);
        }
    }

    private void RunStacked(List<Request> group)
    {
        var slots = new StackSlot[group.Count];
        for (var i = 0; i < slots.Length; i++)
            slots[i] = group[i].Slot!;
        try
        {
            runStack!(slots);
            foreach (var request in group)
                request.Done.TrySetResult();
        }
        catch (OperationCanceledException)
        {
            // One caller's stop ended the shared run: the engine serves every runspace of the process, so the others'
            // images run again on their own rather than fail with a stop that was not theirs.
            foreach (var request in group)
            {
                if (!Skipped(request))
                    RunAlone(request);
            }
        }
        catch (Exception e)
        {
            foreach (var request in group)
                request.Done.TrySetException(e);
        }
    }

    private static bool Skipped(Request request)
    {
        if (!request.Token.IsCancellationRequested)
            return false;
        request.Done.TrySetCanceled(request.Token);
        return true;
    }

    public void Dispose() => queue.CompleteAdding(); // the thread finishes what is queued, then ends

    private sealed class Request(Action work, CancellationToken token, StackSlot? slot)
    {
        public Action Work { get; } = work;
        public CancellationToken Token { get; } = token;
        public StackSlot? Slot { get; } = slot;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One prepared image offered for a stacked run, with what the run gives back for it.</summary>
internal sealed class StackSlot(TensorBuffers buffers, CancellationToken cancellationToken, long asked)
{
    public TensorBuffers Buffers { get; } = buffers;
    public CancellationToken Token { get; } = cancellationToken;
    /// <summary>When the image asked for the model (a Stopwatch timestamp), for its wait.</summary>
    public long Asked { get; } = asked;
    public ProbabilityPlane? Result { get; set; }
}
