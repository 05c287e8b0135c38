using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Engine.Inference;

/// <summary>What the engine is set to and what it has loaded, for Get-RmbgDevice.</summary>
public sealed record EngineStatus(
    EngineSettings Settings,
    ExecutionDevice EffectiveDevice,
    IReadOnlyList<string> AvailableExecutionProviders,
    IReadOnlyList<ModelSession> LoadedSessions,
    int LoadCount)
{
    /// <summary>The model a call without -Model would use now, found without loading it; null when there is none.</summary>
    public ModelLocation? NextModel { get; init; }
    /// <summary>Why there is no next model (where it looked), when there is none.</summary>
    public string? NextModelProblem { get; init; }
    /// <summary>Why the effective device is not the best one the build lists (Auto fell back), or why the set device cannot run; null when all is well.</summary>
    public string? DeviceProblem { get; init; }
    /// <summary>The ONNX Runtime version loaded, and the library file it came from (the module's own, or its CUDA build in the store).</summary>
    public string OnnxRuntimeVersion { get; init; } = "";
    public string? OnnxRuntimeLibrary { get; init; }
}

/// <summary>
/// The one inference engine of the process. Sessions load lazily on first use and are shared by every
/// caller and thread (all PowerShell runspaces of the process see the same <see cref="Shared"/>).
/// <see cref="Configure"/> swaps settings atomically; sessions loaded under the old settings are
/// retired and disposed only when the calls still using them have finished.
/// </summary>
public sealed class RmbgEngine
{
    private static readonly Lazy<RmbgEngine> shared = new(() => new RmbgEngine(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly object gate = new();
    // Paths as the file system compares them, so a path typed in another case is the same session (and is unloaded with it).
    private readonly Dictionary<string, Lazy<ModelSession>> sessions = new(Files.Paths.Comparer);
    private EngineSettings settings = new();
    private int loadCount;
    private string? pendingNotice;
    private bool noticeGiven;

    /// <summary>Separate engines exist only for tests; everything else uses <see cref="Shared"/>.</summary>
    internal RmbgEngine()
    {
    }

    public static RmbgEngine Shared => shared.Value;

    public EngineSettings Settings
    {
        get { lock (gate) return settings; }
    }

    /// <summary>True when the settings' device resolves to an accelerator that works here: installs then prefer fp16 variants.</summary>
    public bool RunsOnAccelerator
    {
        get
        {
            var current = Settings;
            try
            {
                return ExecutionProviders.Resolve(current.Device, current.DeviceId).Device != ExecutionDevice.Cpu;
            }
            catch (DeviceNotAvailableException)
            {
                return false;
            }
        }
    }

    /// <summary>How many model sessions this engine has loaded in its lifetime.</summary>
    public int LoadCount => Volatile.Read(ref loadCount);

    /// <summary>
    /// Applies new settings: checks the device is available first (so a bad request changes nothing),
    /// then retires every loaded session, unless the settings are the same (every one of them is something a
    /// session depends on); the next call loads under the new settings.
    /// </summary>
    public DeviceChoice Configure(EngineSettings newSettings)
    {
        Validate(newSettings);
        var device = Choose(newSettings);
        List<Lazy<ModelSession>> old;
        lock (gate)
        {
            var keepSessions = settings.KeepsSessionsFor(newSettings);
            settings = newSettings;
            if (keepSessions)
                return device;
            old = sessions.Values.ToList();
            sessions.Clear();
        }
        foreach (var lazy in old)
            if (lazy.IsValueCreated)
                lazy.Value.Retire();
        return device;
    }

    /// <summary>
    /// Refuses settings that cannot be used (<see cref="InvalidResolutionException"/>) as <see cref="Configure"/> does,
    /// changing nothing: for callers that must know before they act (-WhatIf).
    /// </summary>
    public static void Validate(EngineSettings settings) => InputSize.Check(settings.Resolution);

    /// <summary>Retires the session of a model file (before it is uninstalled); calls still using it finish first.</summary>
    public void Unload(string modelPath)
    {
        Lazy<ModelSession>? lazy;
        lock (gate)
            if (sessions.Remove(modelPath, out lazy) && !lazy.IsValueCreated)
                lazy = null;
        lazy?.Value.Retire();
    }

    /// <summary>
    /// Uninstalls a model: its session retired (calls still using it finish first), its files deleted from the
    /// store, and its optimised graphs (every machine's) deleted from the store's graph cache.
    /// </summary>
    /// <returns>The user's default model when it named this one and was cleared, else null.</returns>
    public string? Uninstall(ModelStore store, InstalledModel model)
    {
        Unload(model.Path);
        var clearedDefault = store.Remove(model);
        new OptimizedGraphCache(Path.Combine(store.Root, OptimizedGraphCache.FolderName)).Forget(model.Path);
        return clearedDefault;
    }

    /// <summary>Finds the model for this call (explicit, configured, environment, store).</summary>
    public ModelLocation LocateModel(string? explicitModel) => ModelLocator.Locate(explicitModel, Settings.Model);

    /// <summary>A lease on the session for a model, loading it on first use.</summary>
    public SessionLease Acquire(ModelLocation location)
    {
        while (true)
        {
            Lazy<ModelSession> lazy;
            bool created;
            lock (gate)
            {
                created = !sessions.TryGetValue(location.Path, out lazy!);
                if (created)
                {
                    var current = settings;
                    lazy = new Lazy<ModelSession>(() => Load(location, current), LazyThreadSafetyMode.ExecutionAndPublication);
                    sessions[location.Path] = lazy;
                }
            }

            ModelSession session;
            try
            {
                session = lazy.Value;
            }
            catch
            {
                // A failed load must not stick: the next call tries again (the file may be fixed by then).
                lock (gate)
                    if (sessions.TryGetValue(location.Path, out var same) && ReferenceEquals(same, lazy))
                        sessions.Remove(location.Path);
                throw;
            }

            lock (gate)
            {
                // Configure may have swapped while this session loaded outside the lock: it then
                // belongs to the old settings, so retire it (nobody else can reach it) and look again.
                if (sessions.TryGetValue(location.Path, out var current) && ReferenceEquals(current, lazy))
                {
                    if (session.TryAcquire())
                        return new SessionLease(session, created);
                }
                else
                {
                    session.Retire();
                }
            }
        }
    }

    /// <summary>
    /// Why Auto is not using the device the build lists, once per process: the first caller able to show it takes it
    /// (a warning), and every later fallback stays quiet (Get-RmbgDevice still shows it).
    /// </summary>
    public string? TakeDeviceNotice()
    {
        lock (gate)
        {
            var notice = pendingNotice;
            pendingNotice = null;
            noticeGiven |= notice is not null;
            return notice;
        }
    }

    private DeviceChoice Choose(EngineSettings chosen)
    {
        var choice = ExecutionProviders.Resolve(chosen.Device, chosen.DeviceId);
        if (choice.FallbackReason is not null)
            lock (gate)
                if (!noticeGiven)
                    pendingNotice = choice.FallbackReason;
        return choice;
    }

    public EngineStatus GetStatus()
    {
        EngineSettings current;
        List<ModelSession> loaded;
        lock (gate)
        {
            current = settings;
            loaded = sessions.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();
        }
        ExecutionDevice effective;
        string? deviceProblem;
        try
        {
            var choice = ExecutionProviders.Resolve(current.Device, current.DeviceId);
            (effective, deviceProblem) = (loaded.FirstOrDefault()?.Device ?? choice.Device, choice.FallbackReason);
        }
        catch (DeviceNotAvailableException e)
        {
            (effective, deviceProblem) = (ExecutionDevice.Cpu, e.Message);
        }
        ModelLocation? next = null;
        string? problem = null;
        try
        {
            next = LocateModel(null);
        }
        catch (ModelNotFoundException e)
        {
            problem = e.Message;
        }
        return new EngineStatus(current, effective, ExecutionProviders.Available, loaded, LoadCount) 
        {
            NextModel = next, NextModelProblem = problem, DeviceProblem = deviceProblem,
            OnnxRuntimeVersion = Native.OnnxRuntimeEnvironment.Instance.GetVersionString(), OnnxRuntimeLibrary = Native.NativeLibraries.OnnxRuntimePath,
        };
    }

    private ModelSession Load(ModelLocation location, EngineSettings current)
    {
        var session = new ModelSession(location, current, Choose(current).Device);
        Interlocked.Increment(ref loadCount);
        return session;
    }
}
