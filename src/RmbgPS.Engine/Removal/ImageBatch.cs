using System.Diagnostics;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine.Removal;

/// <summary>One input planned: the file it writes (or none), why that is refused, if it is, or why the input is skipped.</summary>
public sealed record PlannedImage(string Input, string? Output, FileException? Refusal, OutputFate Fate, string? Skipped = null)
{
    /// <summary>True when running it would write a file, so whoever must agree (-WhatIf, -Confirm) is asked first.</summary>
    public bool Writes => Output is not null && Skipped is null;

    /// <summary>True when -WhatIf and -Confirm have something to say about its output: a write, or a skip of an existing one.</summary>
    public bool Asks => Writes || Fate == OutputFate.Skip;

    /// <summary>What -WhatIf and -Confirm say the run would do with the file: write, overwrite, skip, or refuse and why.</summary>
    public string Describe(string action) => Output is null ? action : Fate == OutputFate.Skip
        ? $"{action}: skip, '{Output}' already exists (-SkipExisting)"
        : Refusal is { } refused
        ? refused.Kind == FileErrorKind.OutputExists
            ? $"{action}: refused, '{Output}' already exists (OutputExists; -Force overwrites it)"
            : $"{action}: refused, {refused.Message}"
        : Fate == OutputFate.Overwrite ? $"{action}, overwrite '{Output}'" : $"{action}, write '{Output}'";
}

/// <summary>
/// One run of a job over many files, from "here are inputs and options" to "here are results and typed failures, in
/// input order": it plans each input's output and claims its name across the whole run, probes each output folder once,
/// holds a lease on the engine's session, keeps images in flight within a count and a memory budget by their cost,
/// measures them to size itself, and reports progress. Inputs arrive one at a time (a pipeline), so a caller plans,
/// asks whoever must agree, runs, and drains; everything it reports comes on the caller's thread.
/// </summary>
public sealed partial class ImageBatch : IDisposable
{
    private readonly ImageJob job;
    private readonly ImageBatchOptions options;
    private readonly IBatchListener listener;
    private readonly BatchScheduler<Report> scheduler;
    private readonly WorkerSizing? sizing;
    private readonly Dictionary<string, string> claims = new(Paths.Comparer);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int done;

    public ImageBatch(ImageJob job, ImageBatchOptions options, IBatchListener listener, CancellationToken cancellationToken)
    {
        (this.job, this.options, this.listener) = (job, options, listener);
        var limit = options.ThrottleLimit ?? ImageBatchOptions.DefaultThrottleLimit;
        scheduler = new BatchScheduler<Report>(limit, cancellationToken, options.WorkerPriority);
        if (options.ThrottleLimit is null)
            sizing = new WorkerSizing(limit, Environment.ProcessorCount);
    }

    /// <summary>How many inputs the batch has, when they were listed up front; progress then shows a share.</summary>
    public int? Total { get; set; }

    /// <summary>How many images are done (written or failed).</summary>
    public int Done => done;

    /// <summary>
    /// Plans one input. A listing's folders and the job's own outputs are skipped (said in -Verbose); a folder named on
    /// its own is that input's failure. A plan's output is claimed for it at once, so a second input with the same
    /// output is refused (naming both) before either runs, and -WhatIf says so too.
    /// </summary>
    public PlannedImage Plan(string input, bool fromListing)
    {
        if (Directory.Exists(input))
            return fromListing
                ? new PlannedImage(input, null, null, OutputFate.Write, $"Skipped '{input}': a folder.")
                : new PlannedImage(input, null, new FileException(FileErrorKind.PathIsFolder, input,
                    $"'{input}' is a folder. Pass the images in it instead: Get-ChildItem -LiteralPath '{input}' -File | {options.CommandName}."), OutputFate.Write);
        if (fromListing && job.IsOwnOutput(input))
            return new PlannedImage(input, null, null, OutputFate.Write, $"Skipped '{input}': named as this module names its outputs. Name it with -LiteralPath to process it anyway.");
        var output = job.OutputFor(input);
        if (output is null)
            return new PlannedImage(input, null, null, OutputFate.Write);
        output = Path.GetFullPath(output);
        var fate = OutputRules.FateOf(output, job.Overwrite);
        var skip = job.SkipExisting && fate != OutputFate.Write; // an existing output is left alone rather than refused
        var refusal = claims.TryGetValue(output, out var earlier)
            ? new FileException(FileErrorKind.OutputClash, output, job.ClashMessage(output, input, earlier))
            : job.OutsideBase(input) ?? (skip ? null : job.Refusal(input, output));
        claims.TryAdd(output, input);
        return refusal is null && skip
            ? new PlannedImage(input, output, null, OutputFate.Skip, $"Skipped '{input}': its output '{output}' already exists (-SkipExisting).")
            : new PlannedImage(input, output, refusal, fate);
    }

    /// <summary>
    /// Runs a planned input: a refused one becomes its failure, in order. The first image loads the model, and a
    /// model that cannot load, or an output folder of the whole run that cannot be written, ends the batch with a
    /// typed exception before anything is created (ModelNotFoundException, DeviceNotAvailableException,
    /// ModelLoadException, FileException). Waits for room when the batch is full, handing back what finishes.
    /// </summary>
    public void Run(PlannedImage plan)
    {
        if (plan.Skipped is { } skipped)
        {
            scheduler.Add(new Report(() => listener.Verbose(skipped), IsImage: false));
            Drain();
            return;
        }
        if (plan.Refusal is { } refusal)
        {
            scheduler.Add(new Report(() => listener.Failed(plan.Input, refusal)));
            Drain();
            return;
        }
        var session = Session(); // the model first: without one, nothing is created
        if (plan.Output is { } output && PrepareFolder(Path.GetDirectoryName(output)!) is { } unwritable)
        {
            scheduler.Add(new Report(() => listener.Failed(plan.Input, unwritable)));
            Drain();
            return;
        }
        var cost = job.Cost(ImageDecoder.ReadPixelCount(plan.Input) ?? 0, session);
        Widen();
        while (!scheduler.CanAdmit(cost))
            Deliver(scheduler.TakeOldest());
        var planned = Stopwatch.GetTimestamp();
        var used = new ModelUsed(session.ModelName, session.Profile.Name, session.Device.ToString(), session.ExecutionProvider);
        scheduler.Submit(token =>
        {
            try
            {
                var queued = Stopwatch.GetElapsedTime(planned);
                var outcome = job.Run(session, plan.Input, plan.Output, token) with { Queued = queued, Model = used };
                sizing?.Observe(outcome.ImageWork, outcome.ModelRun);
                LargeGarbage.CollectIfDue(); // this image's buffers are garbage now, and the next image's are coming
                return new Report(NewFile: plan.Fate == OutputFate.Write ? outcome.WrittenPath : null, Write: () =>
                {
                    foreach (var warning in outcome.Warnings)
                        listener.Warning(warning);
                    listener.Verbose(outcome.Describe());
                    listener.Finished(outcome);
                });
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                return new Report(() => listener.Failed(plan.Input, e)); // one file's failure is that file's, reported in order
            }
        }, cost);
        listener.Progress(new BatchProgress(job.Activity, plan.Input, done, Total, Rate));
        Drain();
    }

    /// <summary>
    /// For a batch whose images run elsewhere (remote nodes): probes the plan's output folder as <see cref="Run"/> does.
    /// A folder beside the input that cannot be written refuses the plan; the folder of the whole run ends the batch.
    /// </summary>
    public PlannedImage PrepareOutput(PlannedImage plan) =>
        plan is { Output: { } output, Skipped: null, Refusal: null } && PrepareFolder(Path.GetDirectoryName(output)!) is { } unwritable
            ? plan with { Refusal = unwritable }
            : plan;

    /// <summary>Hands back, without waiting, whatever has finished in order.</summary>
    public void Drain()
    {
        while (scheduler.TryTakeFinished(out var finished))
            Deliver(finished);
    }

    /// <summary>Waits for every image in flight and hands each back; then says the batch is complete.</summary>
    public void Complete()
    {
        while (scheduler.Count > 0)
            Deliver(scheduler.TakeOldest());
        if (done > 0)
            listener.Progress(new BatchProgress(job.Activity, null, done, Total, Rate, Completed: true));
        ReleaseHeld();
    }

    /// <summary>What the batch held between images: its session leases, and the edge-colour solvers kept for reuse.</summary>
    private void ReleaseHeld()
    {
        ReleaseSessions();
        MultiLevelSolver.ReleaseIdle();
    }

    private double Rate => done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);

    /// <summary>Widens the batch when the model outpaces the image work (a GPU); a limit given is never changed.</summary>
    private void Widen()
    {
        if (sizing is null || sizing.Limit <= scheduler.Limit)
            return;
        listener.Verbose($"Keeping up to {sizing.Limit} images in flight instead of {scheduler.Limit}: the model's runs are short beside each image's other work (give -ThrottleLimit to fix the number).");
        scheduler.Limit = sizing.Limit;
    }

    /// <summary>Runs what a finished item hands back; only a stop ends an item without one.</summary>
    private void Deliver(Task<Report> item)
    {
        if (!item.IsCompletedSuccessfully)
            throw new OperationCanceledException("The batch was stopped.");
        var report = item.Result;
        if (report.IsImage)
            done++;
        report.Write();
    }

    /// <summary>What an item hands back to the caller's thread; skips are said, not counted. <see cref="NewFile"/>: a file it created.</summary>
    private readonly record struct Report(Action Write, bool IsImage = true, string? NewFile = null);

    /// <summary>
    /// Cancels what is still in flight and waits for it to end, so nothing outlives the batch; no half-written file stays.
    /// A batch ended early (a stop, or -ErrorAction Stop at a failed file) also deletes the files that images after the
    /// end created without their results being written: a script then knows every file the run made.
    /// </summary>
    public void Dispose()
    {
        foreach (var report in scheduler.Abandon())
            if (report.NewFile is { } made)
                AtomicFile.TryDelete(made);
        ReleaseHeld();
    }
}
