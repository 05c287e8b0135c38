using RmbgPS.Engine.Models;

namespace RmbgPS.Engine.Inference;

/// <summary>What the session's model takes in memory (<see cref="ModelMemory"/>): checked before it loads, measured on its first run.</summary>
public sealed partial class ModelSession
{
    private readonly long workingSetBeforeLoad;
    private int footprintMeasured;

    /// <summary>The engine's settings the session was made under.</summary>
    internal EngineSettings Settings { get; }

    /// <summary>What the model takes in memory on the CPU, as checked before it loaded (measured after its first run); null on an accelerator.</summary>
    public ModelFootprint? Footprint { get; private set; }

    /// <summary>What the model has still to take: until its first run ends, its footprint less what the process gained since before the load.</summary>
    internal long StillToTake => Volatile.Read(ref footprintMeasured) != 0 || Footprint is not { } footprint
        ? 0
        : Math.Max(0, footprint.Bytes - (Environment.WorkingSet - workingSetBeforeLoad));

    /// <summary>
    /// After the first run that ended well, the arena holds its peak: what the process gained since before the load is
    /// the model's footprint. Best effort, on the model's thread: nothing here may fail the run it follows.
    /// </summary>
    private void RecordFootprint()
    {
        if (Footprint is null || Interlocked.Exchange(ref footprintMeasured, 1) != 0)
            return;
        var measured = Environment.WorkingSet - workingSetBeforeLoad;
        if (ModelMemory.Record(ModelPath, Settings, measured))
            Footprint = new ModelFootprint(measured, "measured on its first run in this process");
    }
}
