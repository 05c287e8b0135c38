using System.Diagnostics;

namespace RmbgPS.Engine.Batch;

/// <summary>A place where work runs (a remote session): one item at a time, at its own pace.</summary>
public interface IWorkNode<in TItem, out TReport>
{
    /// <summary>How the node is named in warnings and progress.</summary>
    string Name { get; }

    /// <summary>
    /// Runs one item. <paramref name="retry"/> is true when a node that was lost held the item before (what it wrote
    /// may be there). Throws <see cref="NodeLostException"/> when the node itself is gone; any other exception is the
    /// item's own failure.
    /// </summary>
    TReport Run(TItem item, bool retry, CancellationToken cancellationToken);
}

/// <summary>The node broke (its process ended, the network went): the item goes to another node.</summary>
public sealed class NodeLostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>No node is left to run an item: every node was lost before it ran.</summary>
public sealed class NoNodeLeftException(string message) : Exception(message);

/// <summary>What one item came to: the node's report, or its failure; <see cref="Node"/> is the node that ran it (null when none could).</summary>
public sealed record WorkResult<TItem, TReport>(TItem Item, TReport? Report, Exception? Failure, string? Node);

/// <summary>How far one node is: items done and its own rate since it started.</summary>
public sealed record NodeProgress(string Name, int Done, double ItemsPerSecond, bool Lost);

/// <summary>
/// Spreads items over nodes: a node that is idle takes the next item (no static split, so a slow node does less), a
/// lost node's item goes to the next node that is free, every item ends exactly once, and results come back in the
/// order the items were added. One thread per node, because a node's call blocks until its item is done.
/// </summary>
public sealed class WorkDistributor<TItem, TReport> : IDisposable
{
    private readonly object gate = new();
    private readonly LinkedList<(int Index, TItem Item, bool Retry)> queue = new();
    private readonly Dictionary<int, WorkResult<TItem, TReport>> finished = [];
    private readonly Queue<string> losses = new();
    private readonly List<NodeState> nodes;
    private readonly CancellationTokenSource stop;
    private int added;
    private int nextToHand;
    private bool noMoreItems;

    public WorkDistributor(IEnumerable<IWorkNode<TItem, TReport>> nodes, CancellationToken cancellationToken)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        this.nodes = nodes.Select(node => new NodeState(node)).ToList();
        if (this.nodes.Count == 0)
            throw new ArgumentException("At least one node is needed.", nameof(nodes));
        foreach (var state in this.nodes)
        {
            state.Thread = new Thread(() => Serve(state)) { IsBackground = true, Name = $"RmbgPS node {state.Node.Name}" };
            state.Thread.Start();
        }
    }

    /// <summary>Adds an item; the next idle node takes it.</summary>
    public void Add(TItem item)
    {
        lock (gate)
        {
            var index = added++;
            if (nodes.All(node => node.Lost))
                finished[index] = NoNode(item);
            else
                queue.AddLast((index, item, false));
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Says no more items come; the nodes end when the queue is empty.</summary>
    public void CompleteAdding()
    {
        lock (gate)
        {
            noMoreItems = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// The next result in the order the items were added, waiting up to <paramref name="timeout"/> for it; false when it
    /// is not ready yet, or when every item added has been handed back.
    /// </summary>
    public bool TryTakeNext(TimeSpan timeout, out WorkResult<TItem, TReport>? result)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (gate)
        {
            while (!finished.ContainsKey(nextToHand))
            {
                stop.Token.ThrowIfCancellationRequested();
                var left = deadline - Stopwatch.GetTimestamp();
                if (nextToHand >= added || left <= 0)
                {
                    result = null;
                    return false;
                }
                Monitor.Wait(gate, TimeSpan.FromSeconds(Math.Min(0.25, (double)left / Stopwatch.Frequency)));
            }
            finished.Remove(nextToHand++, out result);
            return true;
        }
    }

    /// <summary>True while some item added has not been handed back.</summary>
    public bool HasPending
    {
        get { lock (gate) return nextToHand < added; }
    }

    /// <summary>The names of nodes lost since the last call, each once.</summary>
    public IReadOnlyList<string> TakeLosses()
    {
        lock (gate)
        {
            var names = losses.ToList();
            losses.Clear();
            return names;
        }
    }

    public IReadOnlyList<NodeProgress> Progress()
    {
        lock (gate)
            return nodes.Select(n => new NodeProgress(n.Node.Name, n.Done, n.Done / Math.Max(1e-9, n.Clock.Elapsed.TotalSeconds), n.Lost)).ToList();
    }

    private void Serve(NodeState state)
    {
        while (true)
        {
            (int Index, TItem Item, bool Retry) work;
            lock (gate)
            {
                while (queue.Count == 0 && !noMoreItems && !stop.IsCancellationRequested)
                    Monitor.Wait(gate);
                if (queue.Count == 0 || stop.IsCancellationRequested)
                    return;
                work = queue.First!.Value;
                queue.RemoveFirst();
            }
            WorkResult<TItem, TReport> result;
            try
            {
                result = new(work.Item, state.Node.Run(work.Item, work.Retry, stop.Token), null, state.Node.Name);
            }
            catch (NodeLostException) when (!stop.IsCancellationRequested)
            {
                Lose(state, work);
                return;
            }
            catch (Exception e)
            {
                result = new(work.Item, default, e, state.Node.Name);
            }
            lock (gate)
            {
                state.Done++;
                finished[work.Index] = result;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>The node is gone: its item goes first in line for the others, or fails when no other node is left.</summary>
    private void Lose(NodeState state, (int Index, TItem Item, bool Retry) work)
    {
        lock (gate)
        {
            state.Lost = true;
            losses.Enqueue(state.Node.Name);
            queue.AddFirst((work.Index, work.Item, true));
            if (nodes.All(node => node.Lost))
            {
                foreach (var (index, item, _) in queue)
                    finished[index] = NoNode(item);
                queue.Clear();
            }
            Monitor.PulseAll(gate);
        }
    }

    private WorkResult<TItem, TReport> NoNode(TItem item) => new(item, default, new NoNodeLeftException(
        $"Every node of the batch was lost ({string.Join(", ", nodes.Select(n => n.Node.Name))}), so this input was not processed. Check the nodes and run it again."), null);

    /// <summary>Stops the nodes' threads after their current item (cancelled) and waits for them.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stop.Cancel();
            Monitor.PulseAll(gate);
        }
        foreach (var state in nodes)
            state.Thread?.Join();
        stop.Dispose();
    }

    private sealed class NodeState(IWorkNode<TItem, TReport> node)
    {
        public IWorkNode<TItem, TReport> Node { get; } = node;
        public Thread? Thread { get; set; }
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public int Done { get; set; }
        public bool Lost { get; set; }
    }
}
