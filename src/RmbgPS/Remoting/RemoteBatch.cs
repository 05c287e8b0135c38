using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Remoting;

/// <summary>
/// A batch spread over PowerShell remoting sessions (-Session): each node is checked once, then the engine's
/// <see cref="WorkDistributor{TItem,TReport}"/> gives the next image to whichever node is idle, and this writes what
/// comes back, in input order, as the local command would (on the pipeline thread, the only one that may write).
/// </summary>
internal sealed class RemoteBatch : IDisposable
{
    private readonly PSCmdlet cmdlet;
    private readonly ImageBatch planner;
    private readonly IReadOnlyList<PSSession> sessions;
    private readonly Func<NodeReport, object> toResult;
    private string activity = "";
    private WorkDistributor<PlannedImage, NodeReport>? distributor;
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private int done;

    /// <param name="planner">The batch that plans the inputs and prepares their output folders here; the nodes run them.</param>
    public RemoteBatch(PSCmdlet cmdlet, ImageBatch planner, IReadOnlyList<PSSession> sessions, Func<NodeReport, object> toResult) =>
        (this.cmdlet, this.planner, this.sessions, this.toResult) = (cmdlet, planner, sessions, toResult);

    /// <summary>
    /// Checks every node before any image (all at once): RmbgPS importable at the caller's version, and the caller's
    /// model (<paramref name="modelArgument"/> located here) there under the same reference with the same SHA-256.
    /// Returns the first node that fails, with the error that ends the command, or null; then starts the nodes.
    /// </summary>
    public ErrorRecord? Start(InvocationInfo invocation, ImageJob job, string? modelArgument, bool transferFiles, CancellationToken cancellationToken)
    {
        var version = (invocation.MyCommand.Module?.Version ?? typeof(RemoteBatch).Assembly.GetName().Version!).ToString();
        var model = ModelIdentity.Of(RmbgEngine.Shared.LocateModel(modelArgument), ModelStore.Default);
        var call = RemoteCall.For(invocation, job, model, transferFiles);
        activity = call.Activity;
        var nodes = sessions.Select(session => new RemoteNode(session, call)).ToList();
        var checks = nodes.AsParallel().AsOrdered().Select(node => node.Check(version, model.Reference)).ToList();
        foreach (var check in checks)
        {
            cmdlet.WriteVerbose(check.Problem is null
                ? $"Node '{check.Node.Name}': RmbgPS {version}, model '{check.ModelPath}' (SHA-256 {check.Sha256})."
                : $"Node '{check.Node.Name}': {check.Problem}: {check.Detail}");
            if (RemoteErrors.ForCheck(check, version, model) is { } refused)
                return refused;
        }
        distributor = new WorkDistributor<PlannedImage, NodeReport>(nodes, cancellationToken);
        return null;
    }

    public void Add(PlannedImage plan)
    {
        distributor!.Add(planner.PrepareOutput(plan));
        Drain(TimeSpan.Zero);
    }

    /// <summary>Writes whatever is done, in order, waiting at most <paramref name="wait"/> for the next.</summary>
    public void Drain(TimeSpan wait)
    {
        while (distributor!.TryTakeNext(wait, out var finished))
            Write(finished!);
        foreach (var lost in distributor.TakeLosses())
            cmdlet.WriteWarning($"The node '{lost}' was lost (its session broke); its image went to the other nodes, and the batch goes on without it.");
    }

    /// <summary>Waits for every image and writes it; then says the batch is complete.</summary>
    public void Complete()
    {
        distributor!.CompleteAdding();
        while (distributor.HasPending)
        {
            Drain(TimeSpan.FromMilliseconds(250));
            Progress(null);
        }
        Drain(TimeSpan.Zero);
        cmdlet.WriteProgress(ProgressRelay.RecordFor(new BatchProgress(activity, null, done, planner.Total, 0, Completed: true)));
    }

    private void Write(WorkResult<PlannedImage, NodeReport> finished)
    {
        var plan = finished.Item;
        if (plan.Skipped is { } skipped)
        {
            cmdlet.WriteVerbose(skipped);
            return;
        }
        done++;
        if (plan.Refusal is { } refusal)
            cmdlet.WriteError(ErrorRecords.ForInput(plan.Input, refusal));
        else if (finished.Failure is { } failure)
            cmdlet.WriteError(RemoteErrors.ForFailure(plan.Input, failure));
        else if (finished.Report is { } report)
        {
            foreach (var warning in report.Warnings)
                cmdlet.WriteWarning(RemoteResults.Localize(warning, report));
            foreach (var verbose in report.Verbose)
                cmdlet.WriteVerbose($"{RemoteResults.Localize(verbose, report)} (on '{report.ComputerName}'{(report.Transferred ? ", bytes sent over the session" : "")})");
            foreach (var error in report.Errors)
                cmdlet.WriteError(RemoteResults.ToError(error, report));
            if (report.Result is not null)
                cmdlet.WriteObject(toResult(report));
        }
        Progress(plan.Input);
    }

    /// <summary>The whole batch, and under it each node's count and rate.</summary>
    private void Progress(string? current)
    {
        var rate = done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        cmdlet.WriteProgress(ProgressRelay.RecordFor(new BatchProgress(activity, current, done, planner.Total, rate)));
        var id = 2;
        foreach (var node in distributor!.Progress())
            cmdlet.WriteProgress(new ProgressRecord(id++, node.Name, node.Lost ? $"lost after {node.Done} done" : $"{node.Done} done, {node.ItemsPerSecond:0.00} images/s")
            {
                ParentActivityId = 1,
            });
    }

    public void Dispose() => distributor?.Dispose();
}
