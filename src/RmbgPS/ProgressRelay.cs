using System.Collections.Concurrent;
using System.Management.Automation;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Files;

namespace RmbgPS;

/// <summary>
/// Runs long engine work (a download, a copy, a review sheet's thumbnails) off the pipeline thread while the pipeline
/// thread writes its progress and verbose messages: PowerShell only accepts Write* calls from the pipeline thread.
/// </summary>
internal static class ProgressRelay
{
    /// <summary>A batch's progress as PowerShell shows it: the file first (the minimal view shows only that), the share when known.</summary>
    public static ProgressRecord RecordFor(RmbgPS.Engine.Removal.BatchProgress progress, int id = 1) => new(id, progress.Activity, progress.Status)
    {
        CurrentOperation = progress.Current is null ? null : Path.GetFileName(progress.Current),
        PercentComplete = progress.Percent ?? -1,
        RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
    };

    public static T Run<T>(Cmdlet cmdlet, string activity, Func<DownloadObserver, Task<T>> work)
    {
        var result = Relay(post => work(new DownloadObserver(
            progress => post(() => cmdlet.WriteProgress(ProgressFor(activity, progress))),
            message => post(() => cmdlet.WriteVerbose(message)))));
        cmdlet.WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return result;
    }

    /// <summary>
    /// Work over <paramref name="total"/> items that calls its argument once per item done, from any thread: the bar
    /// shows "n of total &lt;items&gt;".
    /// </summary>
    public static T Count<T>(Cmdlet cmdlet, string activity, string items, int total, Func<Action, T> work)
    {
        var done = 0;
        var result = Relay(post => Task.FromResult(work(() =>
        {
            var now = Interlocked.Increment(ref done);
            post(() => cmdlet.WriteProgress(new ProgressRecord(1, activity, $"{now} of {total} {items}") { PercentComplete = 100 * now / Math.Max(1, total) }));
        })));
        cmdlet.WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return result;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on another thread; what it posts runs here, on the pipeline thread, in order. When a
    /// Write* call throws (the pipeline is stopping, and the command's token has been cancelled) the work is waited for,
    /// so it has let go of its files before the command ends.
    /// </summary>
    private static T Relay<T>(Func<Action<Action>, Task<T>> work)
    {
        using var pending = new BlockingCollection<Action>();
        var task = Task.Run(() => work(write => TryAdd(pending, write)));
        _ = task.ContinueWith(_ =>
        {
            try { pending.CompleteAdding(); } catch (ObjectDisposedException) { }
        }, TaskScheduler.Default);
        try
        {
            foreach (var write in pending.GetConsumingEnumerable())
                write();
        }
        catch
        {
            try { task.Wait(); } catch (AggregateException) { }
            throw;
        }
        return task.GetAwaiter().GetResult();
    }

    private static void TryAdd(BlockingCollection<Action> pending, Action write)
    {
        try { pending.Add(write); } catch (InvalidOperationException) { } // completed: the work has ended
    }

    private static ProgressRecord ProgressFor(string activity, DownloadProgress p)
    {
        var status = p.Total is { } total
            ? $"{ByteSize.ToMegabytes(p.Received):N1} of {ByteSize.Megabytes(total, 1)}"
            : ByteSize.Megabytes(p.Received, 1);
        if (p.BytesPerSecond > 0)
            status += $" at {ByteSize.Megabytes(p.BytesPerSecond, 1)}/s";
        var record = new ProgressRecord(2, activity, status);
        if (p.Percent is { } percent)
            record.PercentComplete = percent;
        if (p.Remaining is { } remaining)
            record.SecondsRemaining = (int)Math.Min(int.MaxValue, remaining.TotalSeconds);
        return record;
    }
}
