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
    public void The_model_thread_runs_requests_in_arrival_order_and_skips_one_cancelled_while_waiting()
    {
        using var runner = new ModelRunner("test");
        var order = new ConcurrentQueue<int>();
        var threads = new ConcurrentQueue<int>();
        using var cancelled = new CancellationTokenSource();
        Exception? cancelledOutcome = null;
        var callers = new List<Thread>();
        for (var i = 0; i < 5; i++)
        {
            var index = i;
            var caller = new Thread(() =>
            {
                try
                {
                    runner.Run(() =>
                    {
                        threads.Enqueue(Environment.CurrentManagedThreadId);
                        Thread.Sleep(index == 0 ? 400 : 5); // the first holds the model while the rest queue up
                        order.Enqueue(index);
                    }, index == 2 ? cancelled.Token : CancellationToken.None);
                }
                catch (OperationCanceledException e)
                {
                    cancelledOutcome = e;
                }
            });
            caller.Start();
            callers.Add(caller);
            Thread.Sleep(50);
        }
        cancelled.Cancel();
        foreach (var caller in callers)
            Assert.True(caller.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 1, 3, 4], order);
        Assert.IsAssignableFrom<OperationCanceledException>(cancelledOutcome);
        Assert.Single(threads.Distinct()); // one model thread, whoever asks
        Assert.Throws<InvalidOperationException>(() => runner.Run(() => throw new InvalidOperationException("passed back"), CancellationToken.None));
    }

    [Fact]
    public void Batch_workers_run_their_row_loops_inline_and_other_threads_do_not()
    {
        Assert.False(BatchThread.IsCurrent);
        using var pipeline = new OrderedPipeline<bool>(2, CancellationToken.None);
        pipeline.Submit(_ => BatchThread.IsCurrent);
        Assert.True(pipeline.TakeOldest().Result);
        if (OperatingSystem.IsLinux())
        {
            // The worker's own scheduling (fields 19 and 41 of its stat line, nice and policy): SCHED_IDLE (5),
            // or at least niced, and only that thread.
            static int Field(int number) => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[number - 3]);
            pipeline.Submit(_ => Field(41) == 5 || Field(19) > 0);
            Assert.True(pipeline.TakeOldest().Result, "the batch worker was not lowered in priority");
            Assert.Equal((0, 0), (Field(41), Field(19)));
        }
        using var single = new OrderedPipeline<bool>(1, CancellationToken.None);
        single.Submit(_ => BatchThread.IsCurrent); // one at a time: the item may use every core
        Assert.False(single.TakeOldest().Result);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
