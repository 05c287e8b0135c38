using System.Collections.Concurrent;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// Runs a session's inferences one at a time, in arrival order, on a thread of its own at normal priority.
/// ONNX Runtime uses the calling thread as one of its intra-op threads, so the caller's priority is the
/// model's: batch workers run below normal priority (the batch scheduler's worker threads) and hand the
/// model run over to this thread, so decoding and encoding neighbouring images never stalls an operator
/// that waits for its slowest thread.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly BlockingCollection<Request> queue = new();

    /// <summary>
    /// Starts the model thread now, on the thread that loads the session: on Linux a new thread inherits its
    /// creator's scheduling, and one started by an idle-priority batch worker could never be raised again.
    /// </summary>
    public ModelRunner(string name) =>
        new Thread(Loop) { IsBackground = true, Name = $"RmbgPS model {name}" }.Start();

    /// <summary>Runs the work on the model thread after the requests before it; cancellation skips it while it waits.</summary>
    public void Run(Action work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new Request(work, cancellationToken);
        queue.Add(request, CancellationToken.None);
        request.Done.Task.GetAwaiter().GetResult();
    }

    private void Loop()
    {
        foreach (var request in queue.GetConsumingEnumerable())
        {
            if (request.Token.IsCancellationRequested)
            {
                request.Done.TrySetCanceled(request.Token);
                continue;
            }
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
    }

    public void Dispose() => queue.CompleteAdding(); // the thread finishes what is queued, then ends

    private sealed class Request(Action work, CancellationToken token)
    {
        public Action Work { get; } = work;
        public CancellationToken Token { get; } = token;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
