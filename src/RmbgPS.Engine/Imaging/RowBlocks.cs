namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Whole-plane loops cut into blocks of rows (or columns), fanned out over the thread pool, a few blocks per core;
/// or run inline on a thread that must not fan out. A batch's workers run below normal priority and the pool's
/// threads do not, so the batch scheduler marks its workers inline (<see cref="FanOutOnThisThread"/>): this layer
/// owns the switch, the scheduler above sets it, and nothing here asks who is calling.
/// </summary>
public static class RowBlocks
{
    [ThreadStatic]
    private static bool inline;

    /// <summary>False on threads whose loops must stay on themselves; true (the default) elsewhere.</summary>
    public static bool FanOutOnThisThread
    {
        get => !inline;
        set => inline = !value;
    }

    /// <summary>Runs the body over contiguous blocks of rows, a few blocks per core.</summary>
    public static void For(int rows, Action<int, int> body)
    {
        var blocks = Math.Min(rows, Environment.ProcessorCount * 4);
        if (blocks <= 1 || rows < 64 || inline)
        {
            body(0, rows);
            return;
        }
        Parallel.For(0, blocks, b =>
        {
            var y0 = (int)((long)rows * b / blocks);
            var y1 = (int)((long)rows * (b + 1) / blocks);
            body(y0, y1);
        });
    }

    /// <summary>Runs the body over bands of columns (for passes that walk down whole columns with row-sized accumulators).</summary>
    public static void ForColumns(int columns, Action<int, int> body) => For(columns, body);
}
