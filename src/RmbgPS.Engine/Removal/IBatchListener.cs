namespace RmbgPS.Engine.Removal;

/// <summary>
/// Where a batch reports. Every call comes on the thread that drives the batch (PowerShell's pipeline thread, which
/// alone may write to the pipeline), never from a worker, and results and failures come in input order.
/// </summary>
public interface IBatchListener
{
    /// <summary>An image that was done.</summary>
    void Finished(ImageOutcome outcome);
    /// <summary>An input that failed; the rest of the batch goes on.</summary>
    void Failed(string input, Exception failure);
    void Verbose(string message);
    void Warning(string message);
    void Progress(BatchProgress progress);
}

/// <summary>How far a batch is: the file just started, how many are done, of how many when known, and the rate.</summary>
public sealed record BatchProgress(string Activity, string? Current, int Done, int? Total, double ImagesPerSecond, bool Completed = false)
{
    /// <summary>"chelsea.jpg (3 of 13 done, 0.85 images/s)": the file first, which PowerShell's minimal progress view shows.</summary>
    public string Status
    {
        get
        {
            var status = Total is { } known ? $"{Done} of {known} done" : $"{Done} done";
            if (Done > 0 && ImagesPerSecond > 0)
                status += $", {ImagesPerSecond:0.00} images/s";
            return Completed ? "Done" : $"{Path.GetFileName(Current)} ({status})";
        }
    }

    /// <summary>The share done, 0 to 100, when the total is known.</summary>
    public int? Percent => Total is > 0 ? Math.Min(100, Done * 100 / Total.Value) : null;
}
