namespace RmbgPS.Engine.Batch;

/// <summary>How a batch's worker threads (decode, resize, compose, encode beside the model) are scheduled.</summary>
public enum WorkerPriority
{
    /// <summary>Nice 10 on Linux, below normal elsewhere: the model's threads mostly get the cores when they want them,
    /// and the workers still get a share of a core next to any other busy process. The default.</summary>
    BelowNormal,

    /// <summary>
    /// SCHED_IDLE on Linux, lowest elsewhere: workers run only on cores nothing else wants, so each model run
    /// stays closest to its floor. For a machine dedicated to the batch: next to another busy process the
    /// workers get almost nothing, and the batch (and Ctrl+C, which waits for them) slows to a crawl.
    /// </summary>
    Idle,

    /// <summary>The caller's own priority: for a GPU model, whose CPU side is the workers themselves.</summary>
    Normal,
}
