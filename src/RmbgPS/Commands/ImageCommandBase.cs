using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>
/// What the image cmdlets share: the parameters, -Path/-LiteralPath resolved the way Get-FileHash does it, -WhatIf,
/// and writing what the engine's batch (<see cref="ImageBatch"/>) reports. The batch does the rest.
/// </summary>
public abstract partial class ImageCommandBase : PSCmdlet, IBatchListener, IDisposable
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource cancellation = new();
    private ImageBatch? batch;
    private ImageJob? job;
    private Action<PlannedImage>? run; // the batch's steps, here or on -Session nodes
    private Action? drain, complete;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>A model path, a folder with one, or an installed model (RMBG-2.0, RMBG-2.0:fp16); overrides Set-RmbgDevice and $env:RMBG_MODEL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InstalledModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Gives a hard mask: alpha 1 where the subject probability reaches this value, else 0.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public float? Threshold { get; set; }

    /// <summary>Stretches each image's probabilities to the full 0..1 range (min-max). Off by default.</summary>
    [Parameter]
    public SwitchParameter Normalize { get; set; }

    /// <summary>Feathers the mask edge: a Gaussian blur of this many pixels (standard deviation).</summary>
    [Parameter]
    [ValidateRange(0.0, MaskOptions.MaxBlur)]
    public double MaskBlur { get; set; }

    /// <summary>Grows (positive) or shrinks (negative) the subject by this many pixels.</summary>
    [Parameter]
    [ValidateRange(-MaskOptions.MaxOffset, MaskOptions.MaxOffset)]
    public int MaskOffset { get; set; }

    /// <summary>Keeps the background and removes the subject.</summary>
    [Parameter]
    public SwitchParameter Invert { get; set; }

    /// <summary>Standard (one run of the model) or High: a second look, a run on the subject's box cut from the full-size picture, for sharper edges on large photos, at twice the model's time.</summary>
    [Parameter]
    public MaskDetail Detail { get; set; }

    /// <summary>Images (and outputs) above this many megapixels are refused with ImageTooLarge.</summary>
    [Parameter]
    [ValidateRange(ImageLimits.MinMegapixels, ImageLimits.MaxMegapixels)]
    public double MaxMegapixels { get; set; } = ImageLimits.DefaultMegapixels;

    /// <summary>Skips an input whose output already exists, with a -Verbose line and no error; the file is not touched. A rerun then does only the new files.</summary>
    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>With -OutputPath: each output keeps its input's folder relative to this one, so a recursive listing comes out as a tree.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RelativeBasePath { get; set; }

    /// <summary>The most images in flight at once (one in the model while others are prepared or written), within the batch's memory budget.</summary>
    [Parameter]
    [ValidateRange(1, ImageBatchOptions.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = ImageBatchOptions.DefaultThrottleLimit;

    protected MaskOptions MaskOptions => new()
    {
        Threshold = Threshold, Normalize = Normalize.IsPresent, Offset = MaskOffset, Blur = MaskBlur, Invert = Invert.IsPresent,
    };

    /// <summary>The job for this call, from its parameters; bad options end the command before any image is read.</summary>
    protected abstract ImageJob CreateJob();

    /// <summary>The result object for one finished image.</summary>
    protected abstract object ToResult(ImageOutcome outcome);

    protected override void BeginProcessing()
    {
        try
        {
            job = CreateJob() with
            {
                SkipExisting = SkipExisting.IsPresent,
                RelativeBase = RelativeBasePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RelativeBasePath),
            };
            job.CheckChoices();
        }
        catch (OptionException e)
        {
            ThrowTerminatingError(ErrorRecords.ForOption(e));
        }
        var options = new ImageBatchOptions { CommandName = MyInvocation.MyCommand.Name, Model = this.ResolveModelArgument(Model), ThrottleLimit = MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : null };
        batch = new ImageBatch(job!, options, this, cancellation.Token);
        (run, drain, complete) = (batch.Run, batch.Drain, batch.Complete);
        if (Session is not null || TransferFiles)
            Guard(() => StartRemote(job!, options.Model)); // the images then run on the nodes
    }

    protected override void ProcessRecord()
    {
        // Planned up front: a -Path wildcard gives the batch's total, and a clash among its files is known before any runs.
        var plans = this.ResolveInputFiles(Path, ParameterSetName == LiteralPathSet ? LiteralPath : null).Select(input => batch!.Plan(input.Path, input.FromListing)).ToList();
        if (!MyInvocation.ExpectingInput)
            batch!.Total = plans.Count(plan => plan.Skipped is null);
        foreach (var plan in plans)
        {
            if (cancellation.IsCancellationRequested)
                throw new PipelineStoppedException();
            if (plan.Asks && !ShouldProcess(plan.Input, plan.Describe(job!.Action)))
                continue;
            Guard(() => run!(plan));
        }
        Guard(drain!);
    }

    protected override void EndProcessing() => Guard(complete!);

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Turns what ends a batch (no model, an unwritable -OutputPath, a stop) into the command's end.</summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (ErrorRecords.ForBatchEnd(e, Model) is { } record)
        {
            ThrowTerminatingError(record);
        }
    }

    void IBatchListener.Finished(ImageOutcome outcome) => WriteObject(ToResult(outcome));
    void IBatchListener.Failed(string input, Exception failure) => WriteError(ErrorRecords.ForInput(input, failure));
    void IBatchListener.Verbose(string message) => WriteVerbose(message);
    void IBatchListener.Warning(string message) => WriteWarning(message);

    void IBatchListener.Progress(BatchProgress progress) => WriteProgress(ProgressRelay.RecordFor(progress));

    public void Dispose()
    {
        remote?.Dispose();
        batch?.Dispose(); // a stopped or failed command: cancel what is in flight and wait for it to end
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
