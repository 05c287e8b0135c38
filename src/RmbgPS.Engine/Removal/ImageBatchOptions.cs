using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine.Removal;

/// <summary>How a batch runs: which model, how many images in flight, how its workers are scheduled, how much memory they may hold.</summary>
public sealed record ImageBatchOptions
{
    /// <summary>Images in flight by default: one in the model while the others decode and prepare, or compose and write.</summary>
    public const int DefaultThrottleLimit = 3;
    /// <summary>The most images in flight that can be asked for.</summary>
    public const int MaxThrottleLimit = 64;

    /// <summary>A model path, a folder with one, or an installed model's name; null looks it up (<see cref="RmbgEngine.LocateModel"/>).</summary>
    public string? Model { get; init; }

    /// <summary>The caller's name, so an error that says what to do can name what to run again (Remove-ImageBackground).</summary>
    public string CommandName { get; init; } = "this command";

    /// <summary>The most images in flight, when given: kept as given. Null starts at the default and widens on what the batch measures (<see cref="WorkerSizing"/>).</summary>
    public int? ThrottleLimit { get; init; }

    /// <summary>The bytes the images in flight may hold together; null for <see cref="MemoryBudget.ForImages"/> on the engine's device.</summary>
    public long? MemoryBudget { get; init; }

    /// <summary>How the workers beside the model are scheduled; the process's <see cref="BatchThread.DefaultPriority"/> by default.</summary>
    public WorkerPriority WorkerPriority { get; init; } = BatchThread.DefaultPriority;

    /// <summary>The engine to run on; the process's shared one by default.</summary>
    public RmbgEngine Engine { get; init; } = RmbgEngine.Shared;
}
