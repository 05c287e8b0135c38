using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Removal;
using RmbgPS.Remoting;

namespace RmbgPS.Commands;

/// <summary>The image cmdlets over PowerShell remoting (-Session): the batch spread over the nodes, as <see cref="RemoteBatch"/> does it.</summary>
public abstract partial class ImageCommandBase
{
    /// <summary>What a node is not told: how the caller names and writes its files, and what only the caller's session means.</summary>
    private static readonly HashSet<string> CallerOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(Path), nameof(LiteralPath), nameof(Session), nameof(TransferFiles), nameof(ThrottleLimit), nameof(Model), "OutputPath", "Force",
        "WhatIf", "Confirm", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    private RemoteBatch? remote;

    /// <summary>
    /// Spreads the batch over these PowerShell remoting sessions (SSH or WinRM; several to one computer are allowed): an
    /// idle node takes the next image, results come back in input order with the node's ComputerName, and a node whose
    /// session breaks hands its image to the others. Each node needs RmbgPS at this version and the same model.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PSSession[]? Session { get; set; }

    /// <summary>With -Session: sends each input's bytes to the node and its output back, even where the node sees the same path (a share that differs between machines).</summary>
    [Parameter]
    public SwitchParameter TransferFiles { get; set; }

    /// <summary>The result object for one image a node made.</summary>
    private protected abstract object ToResult(NodeReport report);

    /// <summary>The caller's parameters as a node must see them; a path the caller resolved goes as the full path.</summary>
    private protected virtual void ForNode(Hashtable parameters)
    {
    }

    /// <summary>Checks every node and starts them; a node that cannot take part ends the command before anything is written.</summary>
    private void StartRemote(ImageJob job, string? model)
    {
        var identity = ModelIdentity.Of(RmbgEngine.Shared.LocateModel(model), ModelStore.Default);
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in MyInvocation.BoundParameters)
            if (!CallerOnly.Contains(name))
                parameters[name] = value switch { SwitchParameter on => on.IsPresent, Enum choice => choice.ToString(), _ => value };
        parameters[nameof(Model)] = identity.Reference;
        ForNode(parameters);
        var call = new RemoteCall(MyInvocation.MyCommand.Name, parameters, job is MaskJob, (job as MaskJob)?.OutputFolder, job.Overwrite, TransferFiles.IsPresent);
        remote = new RemoteBatch(this, job.Activity, Session!, call, ToResult);
        var version = MyInvocation.MyCommand.Module?.Version ?? typeof(ImageCommandBase).Assembly.GetName().Version!;
        if (remote.Start(version.ToString(), identity, cancellation.Token) is { } refused)
            ThrowTerminatingError(refused);
    }
}
