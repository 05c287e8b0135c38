namespace RmbgPS.Engine.Inference;

/// <summary>
/// A lock that callers enter in the order they asked for it. Model runs go through it one at a time, so
/// in a pipelined batch the images reach the model in the order they were prepared and the results can
/// be written in input order without the oldest image waiting behind younger ones.
/// </summary>
internal sealed class FifoGate
{
    private readonly object sync = new();
    private readonly LinkedList<TaskCompletionSource> waiters = new();
    private bool held;

    public void Enter(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (sync)
        {
            if (!held)
            {
                held = true;
                return;
            }
            node = waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        using (cancellationToken.Register(() =>
               {
                   lock (sync)
                       if (node.List is not null) // not yet handed the gate
                       {
                           waiters.Remove(node);
                           node.Value.TrySetCanceled(cancellationToken);
                       }
               }))
        {
            // Wait without the token: once Exit handed the gate over, it is ours even if cancellation comes
            // a moment later, and it must be released by the caller's Exit, not lost.
            node.Value.Task.GetAwaiter().GetResult();
        }
    }

    public void Exit()
    {
        lock (sync)
        {
            if (waiters.First is { } next)
            {
                waiters.RemoveFirst();
                next.Value.SetResult(); // ownership passes straight to the next caller
            }
            else
            {
                held = false;
            }
        }
    }
}
