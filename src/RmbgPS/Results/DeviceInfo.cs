using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Inference;

namespace RmbgPS;

/// <summary>The shared engine's configuration and what it has loaded.</summary>
public sealed class DeviceInfo
{
    internal DeviceInfo(EngineStatus status)
    {
        var settings = status.Settings;
        var session = status.LoadedSessions.FirstOrDefault();
        Device = settings.Device.ToString();
        EffectiveDevice = status.EffectiveDevice.ToString();
        DeviceId = settings.DeviceId;
        ThreadCount = settings.EffectiveThreads;
        AvailableProviders = status.AvailableExecutionProviders.ToArray();
        ExecutionProvider = session?.ExecutionProvider ?? ExecutionProviders.ProviderName(status.EffectiveDevice);
        DeviceProblem = status.DeviceProblem;
        OnnxRuntimeVersion = status.OnnxRuntimeVersion;
        OnnxRuntimeLibrary = status.OnnxRuntimeLibrary;
        ConfiguredModel = settings.Model;
        Model = session?.ModelPath;
        ModelChosenBy = session?.Location.ChosenBy;
        Profile = session?.Profile.Name ?? settings.Profile;
        Resolution = settings.Resolution;
        InputSize = session?.InputSize.ToString();
        IsLoaded = session is not null;
        SessionId = session?.Id;
        LoadedModels = status.LoadedSessions.Select(s => s.ModelPath).ToArray();
        LoadCount = status.LoadCount;
        OptimizedGraphCache = settings.CacheOptimizedGraph;
        MemoryCheck = settings.CheckMemory;
        ModelMemoryMB = session?.Footprint?.Megabytes;
        ModelMemoryBasis = session?.Footprint?.Basis;
        GraphSource = session?.GraphSource;
        LoadTime = session?.LoadTime;
        WorkerPriority = BatchThread.DefaultPriority.ToString();
        NextModel = status.NextModel?.Path;
        NextModelChosenBy = status.NextModel?.ChosenBy ?? status.NextModelProblem;
    }

    /// <summary>The device asked for (Auto, Cpu, Cuda, DirectML, CoreML).</summary>
    public string Device { get; }
    /// <summary>The device inference runs on: what Auto resolved to.</summary>
    public string EffectiveDevice { get; }
    public int DeviceId { get; }
    public int ThreadCount { get; }
    /// <summary>The execution providers this ONNX Runtime build has (compiled in; whether each can load is another matter, see DeviceProblem).</summary>
    public string[] AvailableProviders { get; }
    /// <summary>The execution provider that runs (or will run) the model: the loaded session's, else the one the device resolves to.</summary>
    public string ExecutionProvider { get; }
    /// <summary>Why the effective device is not the best one the build lists (a provider that cannot load, and what it needs), or why the set device cannot run; empty when none.</summary>
    public string? DeviceProblem { get; }
    /// <summary>The ONNX Runtime version this session runs.</summary>
    public string OnnxRuntimeVersion { get; }
    /// <summary>The ONNX Runtime library file loaded: the module's own (CPU) build, or the CUDA build Install-RmbgGpuRuntime put in the model store.</summary>
    public string? OnnxRuntimeLibrary { get; }
    /// <summary>The model set with Set-RmbgDevice -Model, if any.</summary>
    public string? ConfiguredModel { get; }
    /// <summary>The loaded model's path, when one is loaded.</summary>
    public string? Model { get; }
    public string? ModelChosenBy { get; }
    public string? Profile { get; }
    /// <summary>The input size set for models whose height and width are free (Set-RmbgDevice -Resolution); 0 for the model's own.</summary>
    public int Resolution { get; }
    /// <summary>The loaded model's input size and why: "1024x1024 (fixed by the model)", "2048x2048 (free in the model: -Resolution 2048)".</summary>
    public string? InputSize { get; }
    public bool IsLoaded { get; }
    /// <summary>Identifies the loaded session: unchanged while the model stays loaded.</summary>
    public Guid? SessionId { get; }
    public string[] LoadedModels { get; }
    /// <summary>How many times this process has loaded a model.</summary>
    public int LoadCount { get; }
    /// <summary>Whether models load from their cached optimised graph (made on first use, kept in the model store).</summary>
    public bool OptimizedGraphCache { get; }
    /// <summary>Whether a model the machine's available memory cannot hold beside an image is refused before it loads (Set-RmbgDevice -MemoryCheck).</summary>
    public bool MemoryCheck { get; }
    /// <summary>What the loaded model takes in memory on the CPU, in MB of 1,000,000 bytes: measured after its first run, estimated before; empty on an accelerator.</summary>
    public long? ModelMemoryMB { get; }
    /// <summary>How ModelMemoryMB is known: "estimated from ..." or "measured on its first run ...".</summary>
    public string? ModelMemoryBasis { get; }
    /// <summary>Where the loaded model's optimised graph came from (the cache, or optimised at load).</summary>
    public string? GraphSource { get; }
    /// <summary>How long loading the model took.</summary>
    public TimeSpan? LoadTime { get; }
    /// <summary>How a batch's worker threads are scheduled beside the model (BelowNormal, Idle, Normal).</summary>
    public string WorkerPriority { get; }
    /// <summary>The model the next call without -Model will use (found now, loaded or not).</summary>
    public string? NextModel { get; }
    /// <summary>Why that model: the setting or place it came from; or, when there is none, where the lookup looked.</summary>
    public string? NextModelChosenBy { get; }
}
