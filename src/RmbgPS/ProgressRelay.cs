using System.Collections.Concurrent;
using System.Management.Automation;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Files;

namespace RmbgPS;

/// <summary>
/// Runs long engine work (a download, a copy) off the pipeline thread while the pipeline thread writes
/// its progress and verbose messages: PowerShell only accepts Write* calls from the pipeline thread.
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
        using var pending = new BlockingCollection<Action>();
        var observer = new DownloadObserver(
            progress => TryAdd(pending, () => cmdlet.WriteProgress(ProgressFor(activity, progress))),
            message => TryAdd(pending, () => cmdlet.WriteVerbose(message)));
        var task = Task.Run(() => work(observer));
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
            // A Write* call throws when the pipeline is stopping: the work has been cancelled and must end
            // (and let go of its files) before the command does.
            try { task.Wait(); } catch (AggregateException) { }
            throw;
        }
        cmdlet.WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
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
