namespace RmbgPS.Engine.Batch;

/// <summary>
/// How much memory a batch's images in flight may hold together. On the CPU the model is the slow stage, and one image
/// in the model with one more being prepared or finished keeps it busy: more in flight only wait, holding memory, so
/// the budget is small (two 12-MP cut-outs fit, three 0.5-MP ones easily). On an accelerator the model is fast and the
/// batch widens to cover it with image work (<see cref="WorkerSizing"/>), so the budget is a share of the memory free.
/// </summary>
public static class MemoryBudget
{
    /// <summary>On the CPU: what two 12-MP cut-outs need (about 290 MB each), a little over.</summary>
    public const long Cpu = 640L << 20;
    /// <summary>On an accelerator: a quarter of the memory available to the process, at most this.</summary>
    public const long AcceleratorMost = 4L << 30;

    public static long ForImages(bool onAccelerator)
    {
        if (!onAccelerator)
            return Cpu;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Max(Cpu, Math.Min(AcceleratorMost, available / 4));
    }
}
