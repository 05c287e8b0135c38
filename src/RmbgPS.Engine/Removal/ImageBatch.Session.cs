using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine.Removal;

/// <summary>The batch's lease on the engine's model session, and the output folders it has probed.</summary>
public sealed partial class ImageBatch
{
    private readonly List<SessionLease> staleLeases = [];
    private readonly Dictionary<string, FileException?> probedFolders = new(Paths.Comparer);
    private SessionLease? lease;

    /// <summary>
    /// The session to run on: leased on first use (loading the model if nobody has), and again when the engine has
    /// swapped its session since (Set-RmbgDevice in another runspace); images in flight keep the old one until the end.
    /// </summary>
    private ModelSession Session()
    {
        if (lease is { IsStale: false })
            return lease.Session;
        if (lease is not null)
            staleLeases.Add(lease);
        lease = null;
        var engine = options.Engine;
        try
        {
            var location = engine.LocateModel(options.Model);
            lease = engine.Acquire(location);
        }
        catch (InvalidDataException e)
        {
            PassNotices();
            throw new ModelLoadException(e);
        }
        catch (Exception e) when (e is DeviceNotAvailableException or ModelDoesNotFitException)
        {
            PassNotices(); // why Auto chose the CPU, before the error that follows from it
            throw;
        }
        var session = lease.Session;
        PassNotices();
        listener.Verbose(lease.LoadedNow
            ? $"Loaded model '{session.ModelPath}' ({session.Location.ChosenBy}) on {session.Device} ({session.ExecutionProvider}) in {session.LoadTime.TotalMilliseconds:0} ms ({session.GraphSource}); profile {session.Profile.Name} ({session.ProfileReason}); input '{session.InputName}' {session.InputSize}, output '{session.OutputName}'."
            : $"Using the loaded model '{session.ModelPath}' on {session.Device} (profile {session.Profile.Name}).");
        scheduler.Budget = options.MemoryBudget ?? Budget(session);
        return session;
    }

    /// <summary>The budget for the device, held to what the machine has left beside the model (a batch still runs one image at a time).</summary>
    private long Budget(ModelSession session)
    {
        var budget = MemoryBudget.ForImages(session.Device != ExecutionDevice.Cpu);
        if (ModelMemory.LeftForImages(session, options.Engine.Settings) is not { } left || left >= budget)
            return budget;
        listener.Verbose($"Images in flight are held to {ByteSize.Megabytes(left)} (of {ByteSize.Megabytes(budget)} usually): that is what this machine has available beside the model.");
        return left;
    }

    private void PassNotices()
    {
        foreach (var notice in EngineNotice.Take(options.Engine))
        {
            if (notice.IsWarning)
                listener.Warning(notice.Text);
            else
                listener.Verbose(notice.Text);
        }
    }

    /// <summary>
    /// Makes sure files can be created in an output folder, once per folder and batch, after the model was found (a
    /// failed batch creates nothing) and before any image runs for it; sweeps temporary files that killed runs left
    /// there. The folder of the whole run (-OutputPath) that cannot be written ends the batch; a folder beside some
    /// inputs fails those inputs (returned).
    /// </summary>
    private FileException? PrepareFolder(string folder)
    {
        if (!probedFolders.TryGetValue(folder, out var failure))
        {
            try
            {
                AtomicFile.EnsureWritable(folder);
                foreach (var stale in AtomicFile.SweepStale(folder))
                    listener.Verbose($"Removed '{stale}' from '{folder}': a temporary file left by a run that was killed before it finished.");
            }
            catch (FileException e)
            {
                failure = e;
            }
            probedFolders[folder] = failure;
        }
        if (failure is not null && job.WritesToOneFolder)
            throw failure;
        return failure;
    }

    private void ReleaseSessions()
    {
        lease?.Dispose();
        lease = null;
        foreach (var stale in staleLeases)
            stale.Dispose();
        staleLeases.Clear();
    }
}
