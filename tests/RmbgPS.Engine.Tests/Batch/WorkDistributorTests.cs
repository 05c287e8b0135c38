using System.Collections.Concurrent;
using RmbgPS.Engine.Batch;

namespace RmbgPS.Tests;

/// <summary>
/// The rules of a batch spread over nodes, with nodes whose pace and death the test decides (the real transport,
/// PowerShell remoting over SSH, is tested end to end in tests/Remove-ImageBackground.Remote.Tests.ps1).
/// </summary>
public sealed class WorkDistributorTests
{
    /// <summary>A node that takes <paramref name="delay"/> per item and is lost on its item number <paramref name="diesOn"/> (1-based).</summary>
    private sealed class Node(string name, int delay, int diesOn = 0) : IWorkNode<int, string>
    {
        private int runs;
        public string Name => name;
        public ConcurrentBag<(int Item, bool Retry)> Seen { get; } = [];

        public string Run(int item, bool retry, CancellationToken cancellationToken)
        {
            Seen.Add((item, retry));
            if (Interlocked.Increment(ref runs) == diesOn)
                throw new NodeLostException($"{name} died");
            Thread.Sleep(delay);
            if (item < 0)
                throw new InvalidDataException($"item {item} is bad");
            return $"{item}@{name}";
        }
    }

    private static List<WorkResult<int, string>> RunAll(WorkDistributor<int, string> distributor, IEnumerable<int> items)
    {
        foreach (var item in items)
            distributor.Add(item);
        distributor.CompleteAdding();
        var results = new List<WorkResult<int, string>>();
        while (distributor.HasPending)
            if (distributor.TryTakeNext(TimeSpan.FromSeconds(30), out var result))
                results.Add(result!);
        return results;
    }

    [Fact]
    public void Results_come_in_input_order_and_an_idle_node_takes_the_next_item()
    {
        var fast = new Node("fast", 5);
        var slow = new Node("slow", 120);
        using var distributor = new WorkDistributor<int, string>([fast, slow], CancellationToken.None);

        var results = RunAll(distributor, Enumerable.Range(0, 12));

        Assert.Equal(Enumerable.Range(0, 12), results.Select(r => r.Item));
        Assert.All(results, r => Assert.Null(r.Failure));
        Assert.True(fast.Seen.Count > 2 * slow.Seen.Count, $"fast did {fast.Seen.Count}, slow {slow.Seen.Count}: no static split");
        Assert.All(results, r => Assert.StartsWith($"{r.Item}@", r.Report));
    }

    [Fact]
    public void A_lost_nodes_item_goes_to_another_node_once_and_is_marked_as_a_retry()
    {
        var doomed = new Node("doomed", 20, diesOn: 3);
        var survivor = new Node("survivor", 20);
        using var distributor = new WorkDistributor<int, string>([doomed, survivor], CancellationToken.None);

        var results = RunAll(distributor, Enumerable.Range(0, 10));

        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Item));
        Assert.All(results, r => Assert.Null(r.Failure));
        var lostItem = doomed.Seen.Count == 3 ? doomed.Seen.Select(s => s.Item).Max() : -1;
        Assert.Contains((lostItem, true), survivor.Seen);
        Assert.Equal(10, survivor.Seen.Count + doomed.Seen.Count - 1); // every item ran to its end exactly once
        Assert.Equal(["doomed"], distributor.TakeLosses());
        Assert.Empty(distributor.TakeLosses()); // said once
        Assert.Contains(distributor.Progress(), p => p is { Name: "doomed", Lost: true });
    }

    [Fact]
    public void When_every_node_is_lost_the_items_left_fail_instead_of_being_dropped()
    {
        using var distributor = new WorkDistributor<int, string>([new Node("a", 10, diesOn: 2), new Node("b", 10, diesOn: 1)], CancellationToken.None);

        var results = RunAll(distributor, Enumerable.Range(0, 6));

        Assert.Equal(Enumerable.Range(0, 6), results.Select(r => r.Item));
        Assert.Single(results, r => r.Failure is null); // node a finished one before it died
        Assert.All(results.Where(r => r.Failure is not null), r => Assert.IsType<NoNodeLeftException>(r.Failure));
    }

    [Fact]
    public void An_items_own_failure_is_that_items_result_and_the_node_goes_on()
    {
        using var distributor = new WorkDistributor<int, string>([new Node("only", 1)], CancellationToken.None);

        var results = RunAll(distributor, [1, -2, 3]);

        Assert.IsType<InvalidDataException>(results[1].Failure);
        Assert.Equal("only", results[1].Node);
        Assert.Equal(["1@only", null, "3@only"], results.Select(r => r.Report));
    }
}
