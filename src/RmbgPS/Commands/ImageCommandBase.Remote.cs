using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RmbgPS.Engine.Removal;
using RmbgPS.Remoting;

namespace RmbgPS.Commands;

/// <summary>The image cmdlets over PowerShell remoting (-Session): the batch spread over the nodes, as <see cref="RemoteBatch"/> does it.</summary>
public abstract partial class ImageCommandBase
{
    private RemoteBatch? remote;

    /// <summary>Spreads the batch over these remoting sessions (SSH, WinRM): an idle node takes the next image; results come back in input order with ComputerName; a node that breaks hands its image on.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PSSession[]? Session { get; set; }

    /// <summary>With -Session: sends each input's bytes to the node and its output back, even where the node sees the same path.</summary>
    [Parameter]
    public SwitchParameter TransferFiles { get; set; }

    /// <summary>The result object for one image a node made.</summary>
    private protected abstract object ToResult(NodeReport report);

    /// <summary>Checks every node and starts them; a node that cannot take part ends the command before anything is written.</summary>
    private void StartRemote(ImageJob job, string? model)
    {
        if (Session is null)
            ThrowTerminatingError(RemoteErrors.SessionRequired());
        var nodes = remote = new RemoteBatch(this, batch!, Session!, ToResult);
        if (nodes.Start(MyInvocation, job, model, TransferFiles, cancellation.Token) is { } refused)
            ThrowTerminatingError(refused);
        (run, drain, complete) = (nodes.Add, () => nodes.Drain(TimeSpan.Zero), nodes.Complete);
    }
}
