using System.Collections.Concurrent;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Pipeline;

namespace RmbgPS.Tests;

/// <summary>The batch machinery: ordered results under a bound, and the model's first-come gate.</summary>
public sealed class PipelineTests
{
    [Fact]
    public void Results_come_back_in_submission_order_even_when_later_items_finish_first()
    {
        using var pipeline = new OrderedPipeline<int>(4, CancellationToken.None);
        var taken = new List<int>();
        var delays = new[] { 300, 10, 200, 0, 50, 0, 120, 5 };
        for (var i = 0; i < delays.Length; i++)
        {
            while (pipeline.IsFull)
                taken.Add(pipeline.TakeOldest().Result);
            var (index, delay) = (i, delays[i]);
            pipeline.Submit(_ => { Thread.Sleep(delay); return index; });
            while (pipeline.TryTakeFinished(out var done))
                taken.Add(done.Result);
        }
        while (pipeline.Count > 0)
            taken.Add(pipeline.TakeOldest().Result);
        Assert.Equal(Enumerable.Range(0, delays.Length), taken);
    }

    [Fact]
    public void No_more_items_run_at_once_than_the_limit()
    {
        using var pipeline = new OrderedPipeline<int>(2, CancellationToken.None);
        var running = 0;
        var most = 0;
        for (var i = 0; i < 8; i++)
        {
            while (pipeline.IsFull)
                pipeline.TakeOldest();
            pipeline.Submit(_ =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                Thread.Sleep(30);
                Interlocked.Decrement(ref running);
                return 0;
            });
        }
        while (pipeline.Count > 0)
            pipeline.TakeOldest();
        Assert.Equal(2, most);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var full = new OrderedPipeline<int>(1, CancellationToken.None);
            full.Submit(_ => { Thread.Sleep(200); return 0; });
            full.Submit(_ => 0);
        });
    }

    [Fact]
    public void Disposing_cancels_the_items_in_flight_and_waits_until_they_have_ended()
    {
        var ended = 0;
        var pipeline = new OrderedPipeline<int>(3, CancellationToken.None);
        for (var i = 0; i < 3; i++)
            pipeline.Submit(token =>
            {
                try
                {
                    Task.Delay(Timeout.Infinite, token).Wait(CancellationToken.None);
                    return 0;
                }
                catch (AggregateException)
                {
                    Interlocked.Increment(ref ended);
                    throw new OperationCanceledException(token);
                }
            });
        pipeline.Dispose();
        Assert.Equal(3, Volatile.Read(ref ended)); // none outlives the caller
    }

    [Fact]
    public void The_gate_lets_waiters_in_the_order_they_came_and_a_cancelled_waiter_gives_up_its_turn()
    {
        var gate = new FifoGate();
        gate.Enter(CancellationToken.None);
        var order = new ConcurrentQueue<int>();
        using var cancelled = new CancellationTokenSource();
        var waiters = new List<Thread>();
        Exception? cancelledOutcome = null;
        for (var i = 0; i < 5; i++)
        {
            var index = i;
            var thread = new Thread(() =>
            {
                try
                {
                    gate.Enter(index == 2 ? cancelled.Token : CancellationToken.None);
                }
                catch (OperationCanceledException e)
                {
                    cancelledOutcome = e;
                    return;
                }
                order.Enqueue(index);
                Thread.Sleep(5);
                gate.Exit();
            });
            thread.Start();
            waiters.Add(thread);
            Thread.Sleep(50); // queue up one after the other
        }
        cancelled.Cancel();
        gate.Exit();
        foreach (var thread in waiters)
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 1, 3, 4], order);
        Assert.IsAssignableFrom<OperationCanceledException>(cancelledOutcome);
        gate.Enter(new CancellationToken(canceled: false)); // free again
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
