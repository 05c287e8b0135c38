using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Models;
using System.Collections.Concurrent;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>The batch machinery: ordered results under a bound, and the model's first-come gate.</summary>
public sealed class BatchSchedulerTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Results_come_back_in_submission_order_even_when_later_items_finish_first()
    {
        using var pipeline = new BatchScheduler<int>(4, CancellationToken.None);
        var taken = new List<int>();
        var delays = new[] { 300, 10, 200, 0, 50, 0, 120, 5 };
        for (var i = 0; i < delays.Length; i++)
        {
            while (pipeline.IsFull)
                taken.Add(await pipeline.TakeOldest());
            var (index, delay) = (i, delays[i]);
            pipeline.Submit(_ => { Thread.Sleep(delay); return index; });
            while (pipeline.TryTakeFinished(out var done))
                taken.Add(await done);
        }
        while (pipeline.Count > 0)
            taken.Add(await pipeline.TakeOldest());
        Assert.Equal(Enumerable.Range(0, delays.Length), taken);
    }

    [Fact]
    public void No_more_items_run_at_once_than_the_limit()
    {
        using var pipeline = new BatchScheduler<int>(2, CancellationToken.None);
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
            using var full = new BatchScheduler<int>(1, CancellationToken.None);
            full.Submit(_ => { Thread.Sleep(200); return 0; });
            full.Submit(_ => 0);
        });
    }

    [Fact]
    public void Disposing_cancels_the_items_in_flight_and_waits_until_they_have_ended()
    {
        var ended = 0;
        using var started = new CountdownEvent(3);
        var pipeline = new BatchScheduler<int>(3, CancellationToken.None);
        for (var i = 0; i < 3; i++)
            pipeline.Submit(token =>
            {
                started.Signal();
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
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
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
        using var holdFirst = new ManualResetEventSlim();
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
                        if (index == 0)
                            holdFirst.Wait(); // the first holds the model while the rest queue up
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
        holdFirst.Set();
        foreach (var caller in callers)
            Assert.True(caller.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 1, 3, 4], order);
        Assert.IsAssignableFrom<OperationCanceledException>(cancelledOutcome);
        Assert.Single(threads.Distinct()); // one model thread, whoever asks
        Assert.Throws<InvalidOperationException>(() => runner.Run(() => throw new InvalidOperationException("passed back"), CancellationToken.None));
    }

    [Fact]
    public void Items_that_overlap_others_run_inline_below_normal_priority_and_the_model_thread_stays_at_normal()
    {
        var session = new ModelSession(new ModelLocation(SyntheticModels.Write(folder, "red", SyntheticModels.IsnetRed(64)), "test"),
            new EngineSettings(), ExecutionDevice.Cpu);
        using var release = new ManualResetEventSlim();
        using var pipeline = new BatchScheduler<(bool Inline, int Nice)>(2, CancellationToken.None);
        pipeline.Submit(_ => { release.Wait(); return (BatchThread.IsCurrent, Nice()); }); // alone: may use every core
        pipeline.Submit(_ =>
        {
            // Overlapping the first: a batch worker. Its inference starts the session's model thread's work.
            BackgroundRemoval.ComputeMask(session, TestImages.RedSquare(40, 30, 5, 5, 10, 10), MaskOptions.Default, CancellationToken.None);
            return (BatchThread.IsCurrent, Nice());
        });
        var second = pipeline.TakeOldestAfter(release);
        Assert.Equal((false, 0), second.First);
        Assert.True(second.Second.Inline);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(second.Second.Nice > 0, "the batch worker was not lowered in priority");
            // The model thread was started with the session, on this thread: it keeps normal priority.
            // Other tests' threads come and go meanwhile: a task that vanished between listing and reading is skipped.
            static string? Read(string path)
            {
                try { return File.ReadAllText(path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            }
            var modelNices = Directory.GetDirectories("/proc/self/task")
                .Where(t => Read(Path.Combine(t, "comm"))?.StartsWith("RmbgPS model") == true)
                .Select(t => Read(Path.Combine(t, "stat")))
                .OfType<string>()
                .Select(stat => int.Parse(stat.Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]))
                .ToList();
            Assert.NotEmpty(modelNices);
            Assert.All(modelNices, nice => Assert.Equal(0, nice));
        }
        Assert.False(BatchThread.IsCurrent);
        Assert.Equal(0, Nice());
    }

    [Theory]
    [InlineData(WorkerPriority.BelowNormal, 10, 0)]
    [InlineData(WorkerPriority.Idle, 0, 5)] // SCHED_IDLE
    [InlineData(WorkerPriority.Normal, 0, 0)]
    public void Workers_are_scheduled_at_the_chosen_priority(WorkerPriority priority, int nice, int policy)
    {
        using var release = new ManualResetEventSlim();
        using var pipeline = new BatchScheduler<(int Nice, int Policy, bool Inline)>(2, CancellationToken.None, priority);
        pipeline.Submit(_ => { release.Wait(); return (Nice(), Policy(), BatchThread.IsCurrent); }); // alone: untouched
        pipeline.Submit(_ => (Nice(), Policy(), BatchThread.IsCurrent));
        var (first, second) = pipeline.TakeOldestAfter(release);
        Assert.Equal((0, 0, false), first);
        Assert.True(second.Inline);
        if (OperatingSystem.IsLinux())
            Assert.Equal((nice, policy), (second.Nice, second.Policy));
    }

    /// <summary>A thread's scheduling policy: field 41 of its stat line (0 normal, 5 SCHED_IDLE; 0 off Linux).</summary>
    private static int Policy() =>
        OperatingSystem.IsLinux() ? int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[38]) : 0;

    /// <summary>A thread's niceness: field 19 of its stat line (0 off Linux).</summary>
    private static int Nice(string stat = "/proc/thread-self/stat") =>
        OperatingSystem.IsLinux() ? int.Parse(File.ReadAllText(stat).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]) : 0;

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

internal static class PipelineTestExtensions
{
    /// <summary>Releases the first item and takes both, in order.</summary>
    public static (T First, T Second) TakeOldestAfter<T>(this BatchScheduler<T> pipeline, ManualResetEventSlim release)
    {
        release.Set();
        var first = pipeline.TakeOldest().Result;
        return (first, pipeline.TakeOldest().Result);
    }
}
