using System.Management.Automation;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;

namespace RmbgPS.Commands;

/// <summary>The image cmdlets' lease on the shared engine's model session.</summary>
public abstract partial class ImageCommandBase
{
    /// <summary>
    /// The session to run on: acquired on first use (loading the model if nobody has), and again when
    /// Set-RmbgDevice has swapped the engine's session since. A missing or broken model stops the command.
    /// </summary>
    protected ModelSession Session
    {
        get
        {
            if (lease is { IsStale: false })
                return lease.Session;
            if (lease is not null)
                staleLeases.Add(lease); // images in flight still run on it; released when the command ends
            lease = null;
            var engine = RmbgEngine.Shared;
            try
            {
                var location = engine.LocateModel(this.ResolveModelArgument(Model));
                lease = engine.Acquire(location);
            }
            catch (ModelNotFoundException e)
            {
                ThrowTerminatingError(ErrorRecords.Create(e, "ModelNotFound", ErrorCategory.ObjectNotFound, Model));
            }
            catch (DeviceNotAvailableException e)
            {
                EngineNotices.Write(this);
                ThrowTerminatingError(ErrorRecords.Create(e, "DeviceNotAvailable", ErrorCategory.NotEnabled, engine.Settings.Device));
            }
            catch (InvalidDataException e)
            {
                ThrowTerminatingError(ErrorRecords.Create(e, "ModelLoadFailed", ErrorCategory.InvalidData, Model));
            }
            var session = lease!.Session;
            EngineNotices.Write(this);
            WriteVerbose(lease.LoadedNow
                ? $"Loaded model '{session.ModelPath}' ({session.Location.ChosenBy}) on {session.Device} ({session.ExecutionProvider}) in {session.LoadTime.TotalMilliseconds:0} ms ({session.GraphSource}); profile {session.Profile.Name} ({session.ProfileReason}); input '{session.InputName}' {session.InputSize}, output '{session.OutputName}'."
                : $"Using the loaded model '{session.ModelPath}' on {session.Device} (profile {session.Profile.Name}).");
            return session;
        }
    }

    private void ReleaseSession()
    {
        lease?.Dispose();
        lease = null;
        foreach (var stale in staleLeases)
            stale.Dispose();
        staleLeases.Clear();
    }
}
