using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// Most of a session's start is ONNX Runtime optimising the graph (about 600 of 670 ms for the ISNet test
/// model here); loading the saved result takes about 70 ms. The optimised graph is hardware-specific (ORT
/// warns so: NCHWc layouts follow the CPU's vector width), so an entry is keyed by the model file's path,
/// size and time, ORT's version, the device, and the machine and its CPU. Entries live in the model store's
/// <c>.optimized</c> folder as <c>&lt;path key&gt;-&lt;machine key&gt;-&lt;file key&gt;.ort</c>: a changed model
/// replaces its entry for this machine only, so machines sharing a store keep each other's. Loading an entry
/// refreshes its time, and entries unused for <see cref="UnusedFor"/> (models since deleted, machines gone) are
/// swept when a new entry is made.
/// </summary>
/// <param name="folder">The cache folder.</param>
/// <param name="machine">What makes an optimised graph specific to a machine; null for this machine (tests pass others).</param>
public sealed class OptimizedGraphCache(string folder, string? machine = null)
{
    public const string FolderName = ".optimized";

    public static readonly TimeSpan UnusedFor = TimeSpan.FromDays(30);

    /// <summary>
    /// ONNX Runtime's own format: a session loaded from it held 46 MB less than from the same graph saved as ONNX
    /// (1130 against 1176 MB after four runs of the ISNet test model, 2026-12-07), at the same speed. Entries of other
    /// extensions (the ONNX entries of earlier versions) are replaced and swept like stale ones.
    /// </summary>
    private const string Extension = ".ort";

    // Lazy: Forget (on uninstall) needs no machine key, and computing it starts ONNX Runtime.
    private readonly Lazy<string> machineKey = new(() => Key(machine ?? ThisMachine()));

    public static OptimizedGraphCache Default => new(Path.Combine(ModelLocator.StoreFolder, FolderName));

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Only the CPU provider's optimised graphs are cached; GPU providers partition the graph their own way.</summary>
    public static bool Supports(ExecutionDevice device) => device == ExecutionDevice.Cpu;

    /// <summary>Where the optimised graph of this model file, in its current state, is (or would be) kept.</summary>
    public string EntryFor(string modelPath, ExecutionDevice device)
    {
        var file = new FileInfo(modelPath);
        var state = string.Join("|", file.Length, file.LastWriteTimeUtc.Ticks, device);
        return Path.Combine(Folder, $"{PathKey(modelPath)}-{machineKey.Value}-{Key(state)}{Extension}");
    }

    /// <summary>Marks an entry as used now, so the sweep keeps it. Best effort: a read-only store just ages.</summary>
    public static void Touch(string entry)
    {
        try
        {
            File.SetLastWriteTimeUtc(entry, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A new temporary file in the cache folder for ONNX Runtime to save into, or null when the folder cannot be
    /// written (checked with a real file: a read-only folder would otherwise make ORT fail after optimising).
    /// Temporary files that a killed process left behind for a day, and entries unused for <see cref="UnusedFor"/>,
    /// are deleted on the way.
    /// </summary>
    public string? ReserveTemporary()
    {
        try
        {
            Directory.CreateDirectory(Folder);
            foreach (var stale in Directory.EnumerateFiles(Folder, ".*.tmp"))
                if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddDays(-1))
                    AtomicFile.TryDelete(stale);
            foreach (var unused in Directory.EnumerateFiles(Folder, "*.o*")) // .ort, and earlier versions' .onnx
                if (File.GetLastWriteTimeUtc(unused) < DateTime.UtcNow - UnusedFor)
                    AtomicFile.TryDelete(unused);
            var temp = Path.Combine(Folder, $".{Guid.NewGuid():N}.tmp");
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
            }
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Deletes this machine's entries of other states of the same model file (a replaced or re-installed model).</summary>
    public void RemoveOthers(string modelPath, string keep)
    {
        foreach (var entry in EntriesOf($"{PathKey(modelPath)}-{machineKey.Value}-*"))
            if (!string.Equals(entry, keep, StringComparison.Ordinal))
                AtomicFile.TryDelete(entry);
    }

    /// <summary>Deletes every machine's entries of a model file (when it is uninstalled).</summary>
    public void Forget(string modelPath)
    {
        foreach (var entry in EntriesOf(PathKey(modelPath) + "-*"))
            AtomicFile.TryDelete(entry);
    }

    private IEnumerable<string> EntriesOf(string pattern) =>
        Directory.Exists(Folder) ? Directory.EnumerateFiles(Folder, pattern).ToList() : [];

    private static string ThisMachine() => string.Join("|", OnnxRuntimeEnvironment.Instance.GetVersionString(),
        RuntimeInformation.ProcessArchitecture, Environment.MachineName, CpuTopology.CpuName, VectorFeatures());

    private static string PathKey(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return Key(OperatingSystem.IsLinux() ? full : full.ToUpperInvariant());
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8).ToLowerInvariant();

    /// <summary>The vector instruction sets the optimised kernels and layouts may depend on (a VM can mask some).</summary>
    private static string VectorFeatures() => string.Join(",",
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported, System.Runtime.Intrinsics.X86.Avx2.IsSupported,
        System.Runtime.Intrinsics.X86.Fma.IsSupported, System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);

    /// <summary>
    /// Opens the session from the cached optimised graph when there is one; otherwise optimises the model
    /// and saves the result for the next process. A cache that cannot be written or read is only slower.
    /// </summary>
    public static (InferenceSession Session, string GraphSource) OpenSession(string modelPath, EngineSettings settings, ExecutionDevice device, Func<SessionOptions> createOptions)
    {
        (InferenceSession, string) Uncached(string why)
        {
            using var plain = createOptions();
            return (ModelProbe.Open(modelPath, plain), why);
        }

        if (!settings.CacheOptimizedGraph || !OptimizedGraphCache.Supports(device))
            return Uncached("optimised at load");
        var cache = OptimizedGraphCache.Default;
        var entry = cache.EntryFor(modelPath, device);
        if (File.Exists(entry))
        {
            using var cached = createOptions();
            try
            {
                var loaded = new InferenceSession(entry, cached);
                OptimizedGraphCache.Touch(entry);
                return (loaded, $"cached optimised graph '{entry}'");
            }
            catch (OnnxRuntimeException)
            {
                AtomicFile.TryDelete(entry); // damaged (or from another ORT build): made again below
            }
        }

        if (Unsavable.ContainsKey(modelPath))
            return Uncached("optimised at load (its graph could not be saved earlier in this process)");
        if (cache.ReserveTemporary() is not { } temp)
            return Uncached($"optimised at load (the graph cache '{cache.Folder}' is not writable)");

        InferenceSession session;
        using (var saving = createOptions())
        {
            saving.OptimizedModelFilePath = temp;
            saving.AddSessionConfigEntry("session.save_model_format", "ORT"); // the temporary's name says nothing of it
            try
            {
                session = new InferenceSession(modelPath, saving);
            }
            catch (OnnxRuntimeException)
            {
                // Either the model is bad (the plain open below reports it) or the graph could not be saved (a
                // model over 2 GB): not tried again in this process, since each try costs a whole optimisation.
                AtomicFile.TryDelete(temp);
                Unsavable[modelPath] = true;
                return Uncached("optimised at load");
            }
        }
        try
        {
            File.Move(temp, entry, overwrite: true);
            cache.RemoveOthers(modelPath, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AtomicFile.TryDelete(temp);
            return (session, "optimised at load (saving it to the graph cache failed)");
        }
        // The session that optimised keeps about the weights' size more than one loaded from the saved graph, until it
        // is disposed (RMBG-2.0's architecture: 5133 against 4343 MB after its first run, 2026-12-07): swap it for one
        // loaded from the entry, which costs that load once (about 70 ms for the ISNet test model, 4 s for RMBG-2.0's).
        // Disposed first, so the two are never held together.
        session.Dispose();
        using var reopening = createOptions();
        try
        {
            return (new InferenceSession(entry, reopening), $"optimised now, cached as '{entry}' and loaded from there");
        }
        catch (OnnxRuntimeException)
        {
            AtomicFile.TryDelete(entry);
            Unsavable[modelPath] = true;
            return Uncached("optimised at load (its saved graph could not be loaded back)");
        }
    }

    private static readonly ConcurrentDictionary<string, bool> Unsavable = new();
}
