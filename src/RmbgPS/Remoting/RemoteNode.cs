using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Remoting;

/// <summary>What a node sent back for one image, still as PowerShell gave it; <see cref="RemoteResults"/> makes local objects of it.</summary>
internal sealed record NodeReport(PlannedImage Plan, PSObject? Result, byte[]? MaskPng, IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings, IReadOnlyList<string> Verbose, string ComputerName, bool Transferred);

/// <summary>
/// One PowerShell remoting session as a node of a spread batch: it runs RmbgPS's own cmdlet there, one image per call,
/// on the path where the node sees the same file, or on bytes sent over the session when it does not.
/// </summary>
internal sealed class RemoteNode(PSSession session, RemoteCall call) : IWorkNode<PlannedImage, NodeReport>
{
    private readonly ConcurrentDictionary<string, bool> sharedFolders = new(Paths.Comparer);
    private readonly HashSet<string> outputFolders = new(Paths.Comparer);

    public string Name { get; } = $"{session.ComputerName} ({session.Name})";
    public string ComputerName => session.ComputerName;
    /// <summary>How the node's process names its temporary files (from the preflight), to sweep them if it dies.</summary>
    public string? Owner { get; private set; }

    /// <summary>Checks the node once: RmbgPS at the caller's version, and the caller's model under the same name with the same bytes.</summary>
    public NodeCheck Check(string version, string modelReference)
    {
        try
        {
            var (output, errors) = Invoke(NodeScripts.Preflight, CancellationToken.None, version, modelReference);
            if (output.FirstOrDefault() is not { } answer)
                return new NodeCheck(this, "NoAnswer", errors.Count > 0 ? errors[0].ToString() : "it answered nothing", null, null);
            if (answer.Properties["MachineName"]?.Value is string machine && answer.Properties["ProcessId"]?.Value is int processId)
                Owner = AtomicFile.OwnerLabelOf(machine, processId);
            return new NodeCheck(this, answer.Properties["Problem"]?.Value as string, answer.Properties["Detail"]?.Value as string,
                answer.Properties["ModelPath"]?.Value as string, answer.Properties["Sha256"]?.Value as string);
        }
        catch (NodeLostException e)
        {
            return new NodeCheck(this, "Unreachable", e.Message, null, null);
        }
    }

    public NodeReport Run(PlannedImage plan, bool retry, CancellationToken cancellationToken)
    {
        if (plan.Skipped is not null || plan.Refusal is not null)
            return new NodeReport(plan, null, null, [], [], [], ComputerName, false); // said by the caller, as a local run says it
        var folder = Path.GetDirectoryName(plan.Input)!;
        var overwrite = call.Overwrite || (retry && plan.Fate == OutputFate.Write); // a lost node may have written it
        if (plan.Output is { } output)
            lock (outputFolders)
                outputFolders.Add(Path.GetDirectoryName(output)!);
        if (!call.TransferFiles && sharedFolders.GetValueOrDefault(folder, true))
        {
            var shared = RunOn(plan, null, overwrite, cancellationToken);
            if (shared is not null)
                return shared;
            sharedFolders[folder] = false; // checked, not assumed: this node sees another file or no output folder there
        }
        return RunOn(plan, File.ReadAllBytes(plan.Input), overwrite, cancellationToken)!;
    }

    private NodeReport? RunOn(PlannedImage plan, byte[]? bytes, bool overwrite, CancellationToken cancellationToken)
    {
        var input = new FileInfo(plan.Input);
        var parameters = new Hashtable(call.Parameters);
        if (overwrite)
            parameters["Force"] = true;
        // A mask's command takes a folder and names the file itself, as here; with -RelativeBasePath each input has its own folder.
        var nodeOutput = call.IsMask && plan.Output is { } maskFile ? Path.GetDirectoryName(maskFile) : plan.Output;
        var reply = Invoke(NodeScripts.Image, cancellationToken, call.Command, parameters, plan.Input, input.Length, input.LastWriteTimeUtc.Ticks, bytes!, nodeOutput!, call.IsMask);
        PSObject? result = null;
        byte[]? outputBytes = null, maskPng = null;
        IReadOnlyList<string> warnings = [], verbose = [];
        foreach (var item in reply.Output)
        {
            if (item.Properties["RmbgNeedsBytes"] is not null)
                return null;
            if (item.Properties["RmbgWarnings"] is { } said)
            {
                (warnings, verbose) = (Lines(said.Value), Lines(item.Properties["RmbgVerbose"]?.Value));
                continue;
            }
            if (item.Properties["RmbgMaskPng"] is { } mask)
            {
                (outputBytes, maskPng) = (Bytes(item.Properties["RmbgOutputBytes"]?.Value), Bytes(mask.Value));
                continue;
            }
            result = item;
        }
        if (bytes is not null && result is not null && plan.Output is { } output)
        {
            var written = (call.IsMask ? maskPng : outputBytes)
                ?? throw new InvalidDataException($"The node '{Name}' made the output of '{plan.Input}' but sent no bytes back.");
            AtomicFile.Write(output, overwrite, stream => stream.Write(written), cancellationToken);
        }
        return new NodeReport(plan, result, maskPng, reply.Errors, warnings, verbose, ComputerName, bytes is not null);
    }

    private static byte[]? Bytes(object? value) => value is null ? null : LanguagePrimitives.ConvertTo<byte[]>(value);

    private static IReadOnlyList<string> Lines(object? value) => value is null ? [] : LanguagePrimitives.ConvertTo<string[]>(value);

    private (IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Invoke(
        string script, CancellationToken cancellationToken, params object[] arguments)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = session.Runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
            shell.AddArgument(argument);
        using var stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        try
        {
            var output = shell.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            return (output.ToList(), shell.Streams.Error.ToList());
        }
        catch (Exception e) when (IsLoss(e))
        {
            SweepAfterLoss();
            throw new NodeLostException($"The session to '{Name}' broke: {e.Message}", e);
        }
        catch (RuntimeException e) when (!cancellationToken.IsCancellationRequested)
        {
            return ([], [.. shell.Streams.Error, e.ErrorRecord]); // the node's command ended: its error is the image's, like any other
        }
    }

    /// <summary>The session is gone (its process ended, the network went), as opposed to an error in the script.</summary>
    private bool IsLoss(Exception e) => e is PSRemotingTransportException or PSRemotingDataStructureException or InvalidRunspaceStateException
        || session.Runspace.RunspaceStateInfo.State is RunspaceState.Broken or RunspaceState.Closed or RunspaceState.Closing;

    /// <summary>What the node was writing when it died stays as a temporary file in an output folder: removed, since no one will finish it.</summary>
    private void SweepAfterLoss()
    {
        if (Owner is null)
            return;
        lock (outputFolders)
            foreach (var folder in outputFolders)
                AtomicFile.SweepOwnedBy(folder, Owner);
    }
}


/// <summary>One node's preflight: a problem (NoModule, NoModel, Unreachable, NoAnswer) with its detail, or the model it would use.</summary>
internal sealed record NodeCheck(RemoteNode Node, string? Problem, string? Detail, string? ModelPath, string? Sha256);
