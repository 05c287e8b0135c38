using System.Management.Automation;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Remoting;

/// <summary>The errors of a spread batch: a node that cannot take part (which ends the command before anything is written), and an input no node could run.</summary>
internal static class RemoteErrors
{
    /// <summary>Why a node cannot take part, said so that the user knows what to do there; null when it can.</summary>
    public static ErrorRecord? ForCheck(NodeCheck check, string version, ModelIdentity model)
    {
        var node = check.Node.Name;
        var leaveOut = "or leave this session out of -Session.";
        return check.Problem switch
        {
            null when !string.Equals(check.Sha256, model.Sha256, StringComparison.OrdinalIgnoreCase) => Create(
                $"The node '{node}' has a different file for the model '{model.Reference}' ('{check.ModelPath}', SHA-256 {check.Sha256}; here {model.Sha256}), so its cut-outs would differ. {SameModel(model)}, {leaveOut}",
                ErrorIds.NodeModelDiffers, ErrorCategory.InvalidData, node),
            null => null,
            "NoModule" => Create(
                $"The node '{node}' cannot import RmbgPS {version} by name (it has {(string.IsNullOrEmpty(check.Detail) ? "no RmbgPS" : $"RmbgPS {check.Detail}")}). Install it there: Invoke-Command -Session $s {{ Install-PSResource -Name RmbgPS -Version {version} }}, {leaveOut}",
                ErrorIds.NodeModuleMissing, ErrorCategory.NotInstalled, node),
            "NoModel" => Create(
                $"The node '{node}' has no model '{model.Reference}': {check.Detail} Install it there: Invoke-Command -Session $s {{ Install-RmbgModel {model.Reference.Split(':')[0]} }}, {leaveOut}",
                ErrorIds.NodeModelMissing, ErrorCategory.ObjectNotFound, node),
            _ => Create($"The node '{node}' cannot be used: {check.Detail}. Check the session (Get-PSSession), open a new one, {leaveOut}",
                ErrorIds.NodeUnreachable, ErrorCategory.ConnectionError, node),
        };
    }

    /// <summary>How to put this machine's model on a node: registered under the same name, or copied to the same path.</summary>
    private static string SameModel(ModelIdentity model) => ModelReference.TryParse(model.Reference, out var reference) && reference.Variant is { } variant
        ? $"Copy this machine's file there and register it under the same name (Invoke-Command -Session $s {{ Install-RmbgModel -Path <the copy> -Name {reference.Name} -Variant {variant} -Force }})"
        : $"Copy this machine's '{model.Reference}' to the same path there";

    /// <summary>An input's failure that did not come from a node's command: no node left, or writing the output back here.</summary>
    public static ErrorRecord ForFailure(string input, Exception failure) => failure is NoNodeLeftException
        ? Create(failure.Message, ErrorIds.NoNodeLeft, ErrorCategory.ResourceUnavailable, input)
        : ErrorRecords.ForInput(input, failure);

    public static ErrorRecord SessionRequired() => new(new ArgumentException("-TransferFiles sends files to -Session nodes; give -Session too, or leave -TransferFiles out."),
        ErrorIds.SessionRequired, ErrorCategory.InvalidArgument, null);

    private static ErrorRecord Create(string message, string id, ErrorCategory category, object target) =>
        new(new InvalidOperationException(message), id, category, target);
}
