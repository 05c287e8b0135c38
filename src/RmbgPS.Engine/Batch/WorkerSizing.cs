namespace RmbgPS.Engine.Batch;

/// <summary>
/// How many images a batch keeps in flight, from what it measures: one image in the model while the others decode,
/// prepare, compose and encode on the cores. On the CPU the model is the slow stage (1 to 2 s against a few hundred ms
/// of image work) and the starting limit is right; on a GPU the model takes tens of milliseconds and the image work
/// is the bottleneck, so the batch widens until the image work of the images in flight covers one model run, up to
/// one per core.
/// </summary>
public sealed class WorkerSizing
{
    /// <summary>Images measured before the limit moves: the first ones carry the model's warm-up.</summary>
    public const int Warmup = 3;
    /// <summary>The widest batch: sixteen 12-MP images in flight hold about 1.8 GB.</summary>
    public const int Widest = 16;

    private readonly object gate = new();
    private readonly int initial;
    private readonly int cores;
    private int seen;
    private double imageWorkMs;
    private double modelRunMs;

    public WorkerSizing(int initial, int cores)
    {
        (this.initial, this.cores) = (initial, cores);
        Limit = initial;
    }

    public int Limit { get; private set; }

    /// <summary>Records one finished image: its own work outside the model, and its model run. Thread-safe.</summary>
    public void Observe(TimeSpan imageWork, TimeSpan modelRun)
    {
        lock (gate)
        {
            if (++seen <= Warmup)
                return;
            imageWorkMs += Math.Max(0, imageWork.TotalMilliseconds);
            modelRunMs += Math.Max(0, modelRun.TotalMilliseconds);
            Limit = Recommend(initial, cores, imageWorkMs, modelRunMs);
        }
    }

    /// <summary>One in the model plus as many as it takes for their image work to last one model run; never below the starting limit.</summary>
    public static int Recommend(int initial, int cores, double imageWorkMs, double modelRunMs)
    {
        if (modelRunMs <= 0)
            return initial;
        var wanted = 1 + (int)Math.Ceiling(imageWorkMs / modelRunMs);
        return Math.Max(initial, Math.Min(wanted, Math.Min(cores + 1, Widest)));
    }
}
