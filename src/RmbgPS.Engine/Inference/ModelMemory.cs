using System.Globalization;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using Microsoft.ML.OnnxRuntime;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// Whether a model fits in the memory this machine has left, asked before its session is made: a model too large is
/// refused with what to do instead of being loaded into the out-of-memory killer. Its footprint is the one measured on
/// its first run here when there is one (kept beside its optimised graph), else the estimate from its file and family.
/// Only the CPU is checked: on an accelerator the intermediate tensors live in the device's own memory.
/// </summary>
public static class ModelMemory
{
    /// <summary>What one image in flight beside the model needs at least: a 12-MP cut-out's peak, about 290 MB (ImageCosts).</summary>
    public const long OneImageBytes = 300_000_000;

    /// <summary>Tests set this (for their own flow of execution only) to stand for a machine with that much memory available.</summary>
    internal static readonly AsyncLocal<long?> AvailableForTests = new();

    /// <summary>
    /// The memory the process can still take: the machine's, or its container's limit, less what is in use. A gen-0
    /// collection first, because the runtime refreshes the figures only when it collects.
    /// </summary>
    public static (long Available, long Total) Available()
    {
        if (AvailableForTests.Value is { } given)
            return (given, given);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        var info = GC.GetGCMemoryInfo();
        // A heap limit (DOTNET_GCHeapHardLimit) makes the total this process's own while the load stays the machine's:
        // the process's own working set is then what counts against it.
        var used = info.MemoryLoadBytes <= info.TotalAvailableMemoryBytes ? info.MemoryLoadBytes : Environment.WorkingSet;
        return (Math.Max(0, info.TotalAvailableMemoryBytes - used), info.TotalAvailableMemoryBytes);
    }

    /// <summary>
    /// Refuses a model that, with one image in flight, needs more memory than is available (unless the settings turn
    /// the check off). Returns the footprint the check used, or null where nothing was checked (an accelerator).
    /// </summary>
    public static ModelFootprint? Check(ModelLocation location, EngineSettings settings, ExecutionDevice device)
    {
        if (device != ExecutionDevice.Cpu)
            return null;
        var footprint = FootprintOf(location.Path, settings);
        if (!settings.CheckMemory)
            return footprint;
        var (available, total) = Available();
        if (footprint.Bytes + OneImageBytes > available)
            throw new ModelDoesNotFitException(location.Path, footprint, available, total);
        return footprint;
    }

    /// <summary>
    /// What a batch's images in flight may take beside a loaded model on the CPU: the memory available now, less what
    /// the model has still to take before its first run ends. Null on an accelerator, or with the check off.
    /// </summary>
    public static long? LeftForImages(ModelSession session, EngineSettings current) =>
        session.Footprint is null || !current.CheckMemory ? null : Math.Max(0, Available().Available - session.StillToTake);

    /// <summary>
    /// The model's footprint on the CPU with these settings: measured here before, else estimated from what its file
    /// says of itself (<see cref="OnnxHeader"/>): its family as the session would detect it, and the input size the
    /// session would feed it (<see cref="InputSize.For"/>: fixed by the model, else -Resolution, else its own).
    /// </summary>
    public static ModelFootprint FootprintOf(string modelPath, EngineSettings settings, ModelDescriptor? descriptor = null)
    {
        if (RecordPath(modelPath, settings) is { } record && ReadRecord(record) is { } measured)
            return new ModelFootprint(measured, $"measured on its first run here, {File.GetLastWriteTime(record):yyyy-MM-dd}");
        descriptor ??= ModelDescriptor.TryReadFor(modelPath);
        var facts = (OnnxHeader.TryRead(modelPath) ?? new ModelFacts(modelPath, [], [], new Dictionary<string, string>(), null)) with { Descriptor = descriptor };
        ModelProfile? profile;
        try
        {
            profile = ProfileDetector.Detect(facts, settings.Profile).Profile;
        }
        catch (InvalidDataException)
        {
            profile = null; // the load will say why
        }
        var dims = facts.InputDimensions;
        var size = InputSize.For(dims.Count == 4 ? dims[3] : -1, dims.Count == 4 ? dims[2] : -1, settings.Resolution, facts, profile ?? ModelFootprint.UnknownFamily);
        return ModelFootprint.Estimate(new FileInfo(modelPath).Length, descriptor?.Variant, profile, size.Width, size.Height);
    }

    private static long? ReadRecord(string record)
    {
        try
        {
            return File.Exists(record) && long.TryParse(File.ReadAllText(record).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// What a model will take on the CPU, for choosing between models (Get-RmbgModel): an installed file's footprint
    /// (measured here, else estimated), else the estimate from the catalog's download size; null when the catalog
    /// gives no size.
    /// </summary>
    public static ModelFootprint? Expected(string? installedPath, ModelDescriptor? descriptor, CatalogEntry? entry, CatalogVariant? variant, EngineSettings settings)
    {
        try
        {
            if (installedPath is not null && File.Exists(installedPath))
                return FootprintOf(installedPath, settings, descriptor);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or OnnxRuntimeException)
        {
            return null; // a listing shows what it can; loading the model says what is wrong
        }
        if (variant?.Size is not { } size || ModelProfiles.Find(entry?.Profile) is not { } profile)
            return null;
        var side = settings.Resolution > 0 ? settings.Resolution : profile.InputSize; // the exports' own size is not known before download
        return ModelFootprint.Estimate(size, variant.Name, profile, side, side);
    }

    /// <summary>
    /// Keeps what a model's first run took (the working set it added, from before its session was made to after its
    /// first run, when the arena still holds its peak) for the next process's check. Figures below the weights alone
    /// are not a model's footprint (another session was released meanwhile) and are dropped. Keeping it is best effort.
    /// </summary>
    /// <returns>False for a figure dropped as implausible.</returns>
    internal static bool Record(string modelPath, EngineSettings settings, long bytes)
    {
        try
        {
            if (bytes < ModelFootprint.WeightBytes(new FileInfo(modelPath).Length, ModelDescriptor.TryReadFor(modelPath)?.Variant))
                return false;
            if (RecordPath(modelPath, settings) is not { } record)
                return true;
            Directory.CreateDirectory(Path.GetDirectoryName(record)!);
            AtomicFile.Write(record, overwrite: true, stream => stream.Write(System.Text.Encoding.ASCII.GetBytes(bytes.ToString(CultureInfo.InvariantCulture))));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileException or InvalidDataException)
        {
            return false; // the model went (uninstalled mid-batch) or its descriptor broke: the run itself stands
        }
    }

    /// <summary>Beside the model's optimised graph for this machine, per -Resolution; none when the graph cache is off.</summary>
    private static string? RecordPath(string modelPath, EngineSettings settings) =>
        settings.CacheOptimizedGraph
            ? $"{OptimizedGraphCache.Default.EntryFor(modelPath, ExecutionDevice.Cpu)}.r{settings.Resolution.ToString(CultureInfo.InvariantCulture)}.memory"
            : null;
}

/// <summary>A model the machine cannot hold beside an image: raised before its session is made.</summary>
public sealed class ModelDoesNotFitException(string modelPath, ModelFootprint footprint, long available, long total) : InvalidOperationException(
    $"The model '{modelPath}' needs about {ByteSize.Megabytes(footprint.Bytes)} of memory on the CPU ({footprint.Basis}), and one image " +
    $"beside it about {ByteSize.Megabytes(ModelMemory.OneImageBytes)} more, but only {ByteSize.Megabytes(available)} of the " +
    $"{ByteSize.Megabytes(total)} this process may use is available now. Choose a smaller model or variant (Get-RmbgModel shows each one's ExpectedMemoryMB), " +
    "run it on an NVIDIA GPU (Install-RmbgGpuRuntime, then Set-RmbgDevice -Device Cuda), give a model with a free input size a smaller -Resolution, or close other programs. " +
    "To load it anyway: Set-RmbgDevice -MemoryCheck:$false.")
{
    public string ModelPath { get; } = modelPath;
    public ModelFootprint Footprint { get; } = footprint;
    public long AvailableBytes { get; } = available;
}
