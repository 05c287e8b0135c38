namespace RmbgPS.Engine.Inference;

/// <summary>How the shared engine runs models. Immutable: a change is a new instance, swapped in whole.</summary>
public sealed record EngineSettings
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;
    public int DeviceId { get; init; }
    /// <summary>Intra-op threads; 0 lets the engine pick (the machine's physical cores).</summary>
    public int ThreadCount { get; init; }
    /// <summary>Loads models from their cached optimised graph (made on first use) instead of optimising at every start.</summary>
    public bool CacheOptimizedGraph { get; init; } = true;
    /// <summary>Refuses to load a model the machine's available memory cannot hold beside an image (<see cref="ModelMemory"/>).</summary>
    public bool CheckMemory { get; init; } = true;
    /// <summary>The model chosen for the session (a path or store name), or null to look it up.</summary>
    public string? Model { get; init; }
    /// <summary>A profile name that overrides detection, or null.</summary>
    public string? Profile { get; init; }
    /// <summary>The input size for models whose height and width are free (a multiple of 32); 0 for the model's own (<see cref="InputSize"/>).</summary>
    public int Resolution { get; init; }

    public int EffectiveThreads => ThreadCount > 0 ? ThreadCount : CpuTopology.PhysicalCores;

    /// <summary>
    /// Whether sessions loaded under these settings serve <paramref name="next"/> as well: every setting but the memory
    /// check is something a session depends on; the check matters only when a model loads.
    /// </summary>
    public bool KeepsSessionsFor(EngineSettings next) => this with { CheckMemory = true } == next with { CheckMemory = true };
}
