using System.Diagnostics;
using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>
/// What the image cmdlets share: -Path/-LiteralPath input resolved the way Get-FileHash does it, mask
/// options, the lease on the shared engine's session, cancellation, progress and error mapping.
/// </summary>
public abstract partial class ImageCommandBase : PSCmdlet, IDisposable
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource cancellation = new();
    private readonly Stopwatch batchClock = new();
    private readonly List<SessionLease> staleLeases = [];
    private readonly HashSet<string> claimedOutputs = new(Paths.Comparer);
    private readonly Dictionary<string, ImageException?> checkedFolders = new(Paths.Comparer);
    private SessionLease? lease;
    private BatchScheduler<Action>? batch;
    private WorkerSizing? sizing;
    private int done;
    private int? total;

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
    [ValidateRange(0.0, 500.0)]
    public double MaskBlur { get; set; }

    /// <summary>Grows (positive) or shrinks (negative) the subject by this many pixels.</summary>
    [Parameter]
    [ValidateRange(-500, 500)]
    public int MaskOffset { get; set; }

    /// <summary>Keeps the background and removes the subject.</summary>
    [Parameter]
    public SwitchParameter Invert { get; set; }

    /// <summary>Standard (one run of the model) or High: a second run on the subject's box cut from the full-size picture, for sharper edges on large photos, at twice the model's time.</summary>
    [Parameter]
    public MaskDetail Detail { get; set; }

    /// <summary>Images (and outputs) above this many megapixels are refused with ImageTooLarge; at most 500.</summary>
    [Parameter]
    [ValidateRange(0.01, 500.0)] // 500 MP of RGBA is the largest buffer .NET can hold (2 GB)
    public double MaxMegapixels { get; set; } = ImageDecoder.DefaultMaxPixels / 1e6;

    /// <summary>
    /// How many images are in flight at once: one in the model while others are decoded and prepared or
    /// composited and written. 1 processes one image at a time. More uses more memory (a decoded 12-MP photo is about 50 MB).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 3;

    /// <summary>The progress activity, e.g. "Removing backgrounds".</summary>
    protected abstract string Activity { get; }

    protected CancellationToken Cancellation => cancellation.Token;
    protected MaskOptions MaskOptions { get; private set; } = MaskOptions.Default;
    protected long MaxPixels => (long)(MaxMegapixels * 1e6);

    protected override void BeginProcessing()
    {
        MaskOptions = new MaskOptions
        {
            Threshold = Threshold,
            Normalize = Normalize.IsPresent,
            Offset = MaskOffset,
            Blur = MaskBlur,
            Invert = Invert.IsPresent,
            Detail = Detail,
        };
        batchClock.Start();
    }

    protected override void ProcessRecord()
    {
        var files = ResolveInputs().Where(Accept).Select(f => f.Path).ToList(); // expanded up front: a -Path wildcard gives the batch's total
        if (!MyInvocation.ExpectingInput)
            total = files.Count;
        batch ??= new BatchScheduler<Action>(ThrottleLimit, Cancellation, RmbgEngine.Shared.Settings.WorkerPriority);
        if (sizing is null && !MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)))
            sizing = new WorkerSizing(ThrottleLimit, Environment.ProcessorCount); // a -ThrottleLimit given is kept as given
        foreach (var file in files)
        {
            if (Cancellation.IsCancellationRequested)
                throw new PipelineStoppedException();
            Func<CancellationToken, Action>? work;
            try
            {
                work = Plan(file);
            }
            catch (Exception e) when (e is not RuntimeException)
            {
                WriteFileError(file, e);
                continue;
            }
            if (work is null)
                continue; // declined (-WhatIf, -Confirm)
            Widen();
            while (batch.IsFull)
                Finish(batch.TakeOldest());
            batch.Submit(token =>
            {
                try
                {
                    return work(token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    return () => WriteFileError(file, e); // one file's failure is that file's error, written in order
                }
            });
            ReportProgress(file);
            while (batch.TryTakeFinished(out var finished))
                Finish(finished);
        }
    }

    protected override void EndProcessing()
    {
        while (batch is { Count: > 0 })
            Finish(batch.TakeOldest());
        if (done > 0)
            WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
        ReleaseSession();
    }

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>
    /// Checks one resolved file system path on the pipeline thread (output name, -WhatIf, the session) and
    /// returns the work for it, or null to skip it. The work runs on a helper thread and returns what to
    /// write for the file, which runs back on the pipeline thread in input order.
    /// </summary>
    protected abstract Func<CancellationToken, Action>? Plan(string path);

    /// <summary>Which files a listing (a wildcard, Get-ChildItem) leaves out as this module's own outputs for this cmdlet.</summary>
    protected abstract bool IsOwnOutput(string path);

    /// <summary>Called by each image's work, on its own thread: what it measured, for the batch's width.</summary>
    protected void ObserveImage(TimeSpan imageWork, TimeSpan modelRun) => sizing?.Observe(imageWork, modelRun);

    /// <summary>Widens the batch when the model outpaces the image work (a GPU); a -ThrottleLimit given is never changed.</summary>
    private void Widen()
    {
        if (sizing is null || batch is null || sizing.Limit <= batch.Limit)
            return;
        WriteVerbose($"Keeping {sizing.Limit} images in flight instead of {batch.Limit}: the model's runs are short beside each image's other work (give -ThrottleLimit to fix the number).");
        batch.Limit = sizing.Limit;
    }

    /// <summary>Writes what a finished item produced, or its error; a stop ends the command.</summary>
    private void Finish(Task<Action> item)
    {
        if (!item.IsCompletedSuccessfully)
            throw new PipelineStoppedException(); // only cancellation ends an item without a result
        done++;
        item.Result();
    }

    private void WriteFileError(string file, Exception e)
    {
        if (e is ImageException image)
        {
            WriteError(ErrorRecords.ForImage(image));
            return;
        }
        // Anything else that fails on one file (the runtime on an odd image, memory) stays that file's error.
        WriteError(ErrorRecords.Create(new IOException($"Processing '{file}' failed: {e.Message} The rest of the batch went on. If the file opens in other programs, run it alone with -Verbose and report the output.", e), "ProcessingFailed", ErrorCategory.NotSpecified, file));
    }

    /// <summary>The file first: PowerShell's default (Minimal) progress view shows the status, not the current operation.</summary>
    private void ReportProgress(string current)
    {
        var seconds = batchClock.Elapsed.TotalSeconds;
        var status = total is { } known ? $"{done} of {known} done" : $"{done} done";
        if (done > 0 && seconds > 0)
            status += $", {done / seconds:0.00} images/s";
        var name = System.IO.Path.GetFileName(current);
        var record = new ProgressRecord(1, Activity, $"{name} ({status})") { CurrentOperation = name };
        if (total is > 0)
            record.PercentComplete = Math.Min(100, done * 100 / total.Value);
        WriteProgress(record);
    }

    /// <summary>What the decoder did to an input, for -Verbose: " (rotated 90° clockwise as its EXIF orientation says)".</summary>
    protected static string Notes(IReadOnlyList<string> notes) => notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})";


    public void Dispose()
    {
        batch?.Dispose(); // a stopped or failed command: cancel what is in flight and wait for it to end
        ReleaseSession();
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
