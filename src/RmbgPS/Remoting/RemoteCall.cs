using System.Collections;
using System.Management.Automation;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Remoting;

/// <summary>What every node's call carries: the command, the caller's other parameters, and how files travel.</summary>
internal sealed record RemoteCall(string Command, string Activity, IDictionary Parameters, bool IsMask, bool Overwrite, bool TransferFiles)
{
    /// <summary>What a node is not told: how the caller names and writes its files, and what only the caller's session means.</summary>
    private static readonly HashSet<string> CallerOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "Path", "LiteralPath", "Session", "TransferFiles", "ThrottleLimit", "Model", "OutputPath", "Force", "SkipExisting", "RelativeBasePath",
        "WhatIf", "Confirm", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    /// <summary>
    /// The call for a command's invocation: its other parameters as plain values (switches as booleans, choices as
    /// names), the model by the reference the nodes know it by, and paths as the caller resolved them.
    /// </summary>
    public static RemoteCall For(InvocationInfo invocation, ImageJob job, ModelIdentity model, bool transferFiles)
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in invocation.BoundParameters)
            if (!CallerOnly.Contains(name))
                parameters[name] = value switch { SwitchParameter on => on.IsPresent, Enum choice => choice.ToString(), _ => value };
        parameters["Model"] = model.Reference;
        if (job is CutoutJob { Cutout.BackgroundPicture.SourcePath: { } picture })
            parameters["BackgroundImage"] = picture; // a path every node must see
        return new RemoteCall(invocation.MyCommand.Name, job.Activity, parameters, job is MaskJob, job.Overwrite, transferFiles);
    }
}
