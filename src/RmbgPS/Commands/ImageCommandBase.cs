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
public abstract class ImageCommandBase : PSCmdlet, IDisposable
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource cancellation = new();
    private readonly Stopwatch batchClock = new();
    private readonly List<SessionLease> staleLeases = [];
    private readonly HashSet<string> claimedOutputs = new(Paths.Comparer);
    private readonly Dictionary<string, ImageException?> checkedFolders = new(Paths.Comparer);
    private SessionLease? lease;
    private OrderedPipeline<Action>? pipeline;
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
        };
        batchClock.Start();
    }

    protected override void ProcessRecord()
    {
        var files = ResolveInputs().Where(Accept).Select(f => f.Path).ToList(); // expanded up front: a -Path wildcard gives the batch's total
        if (!MyInvocation.ExpectingInput)
            total = files.Count;
        pipeline ??= new OrderedPipeline<Action>(ThrottleLimit, Cancellation, RmbgEngine.Shared.Settings.WorkerPriority);
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
            while (pipeline.IsFull)
                Finish(pipeline.TakeOldest());
            pipeline.Submit(token =>
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
            while (pipeline.TryTakeFinished(out var finished))
                Finish(finished);
        }
    }

    protected override void EndProcessing()
    {
        while (pipeline is { Count: > 0 })
            Finish(pipeline.TakeOldest());
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
                ThrowTerminatingError(ErrorRecords.Create(e, "DeviceNotAvailable", ErrorCategory.NotEnabled, engine.Settings.Device));
            }
            catch (InvalidDataException e)
            {
                ThrowTerminatingError(ErrorRecords.Create(e, "ModelLoadFailed", ErrorCategory.InvalidData, Model));
            }
            var session = lease!.Session;
            WriteVerbose(lease.LoadedNow
                ? $"Loaded model '{session.ModelPath}' ({session.Location.ChosenBy}) on {session.Device} in {session.LoadTime.TotalMilliseconds:0} ms ({session.GraphSource}); profile {session.Profile.Name} ({session.ProfileReason}); input '{session.InputName}' {session.InputWidth}x{session.InputHeight}, output '{session.OutputName}'."
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

    /// <summary>An input file, and whether it came from a listing (a wildcard, or the pipeline: Get-ChildItem) rather than by name.</summary>
    private readonly record struct Input(string Path, bool FromListing);

    /// <summary>
    /// Listings skip folders and the module's own outputs (a rerun must not cut out its cut-outs), saying so in
    /// -Verbose; a file or folder named explicitly is taken at its word.
    /// </summary>
    private bool Accept(Input input)
    {
        if (Directory.Exists(input.Path))
        {
            if (input.FromListing)
                WriteVerbose($"Skipped '{input.Path}': a folder.");
            else
                WriteError(ErrorRecords.Create(new ArgumentException(
                    $"'{input.Path}' is a folder. Pass its images: Get-ChildItem -LiteralPath '{input.Path}' -File | {MyInvocation.MyCommand.Name}."),
                    "PathIsFolder", ErrorCategory.InvalidArgument, input.Path));
            return false;
        }
        if (input.FromListing && IsOwnOutput(input.Path))
        {
            WriteVerbose($"Skipped '{input.Path}': named as this module names its outputs. Name it with -LiteralPath to process it anyway.");
            return false;
        }
        return true;
    }

    /// <summary>File system paths for the current record; unresolvable ones are reported and skipped.</summary>
    private IEnumerable<Input> ResolveInputs()
    {
        var piped = MyInvocation.ExpectingInput;
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var literal in LiteralPath)
            {
                string resolved;
                try
                {
                    resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                }
                catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
                {
                    WriteError(ErrorRecords.Create(e, "FileNotFound", ErrorCategory.ObjectNotFound, literal));
                    continue;
                }
                yield return new Input(resolved, piped);
            }
            yield break;
        }

        foreach (var pattern in Path)
        {
            List<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out var provider).ToList();
                if (provider.Name != "FileSystem")
                {
                    WriteError(ErrorRecords.Create(new ArgumentException($"'{pattern}' is on the {provider.Name} provider; give a file system path."),
                        "NotFileSystemPath", ErrorCategory.InvalidArgument, pattern));
                    continue;
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                var hint = WildcardPattern.ContainsWildcardCharacters(pattern) ? " Use -LiteralPath if the name itself contains wildcard characters such as [ ]." : "";
                WriteError(ErrorRecords.Create(new FileNotFoundException($"Cannot find '{pattern}'. Check the path.{hint}", e),
                    "FileNotFound", ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            if (resolved.Count == 0 && wildcard && LiteralFile(pattern) is { } literal)
            {
                // As Get-Item: a pattern that matches nothing is no error, but a file named exactly so is a likely mistake.
                WriteError(ErrorRecords.Create(new FileNotFoundException(
                    $"'{pattern}' matched no file as a wildcard pattern, but '{literal}' has exactly that name. Use -LiteralPath '{pattern}' to process it."),
                    "FileNotFound", ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var file in resolved)
                yield return new Input(file, piped || wildcard);
        }
    }

    private string? LiteralFile(string pattern)
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
            return File.Exists(path) ? path : null;
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>A folder from -OutputPath, created if missing; null when not given.</summary>
    protected string? ResolveOutputFolder(string? outputPath)
    {
        if (string.IsNullOrEmpty(outputPath))
            return null;
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(outputPath);
        if (File.Exists(folder))
            ThrowTerminatingError(ErrorRecords.Create(new IOException($"-OutputPath '{outputPath}' is a file; it must be a folder (created when missing)."),
                "OutputPathIsFile", ErrorCategory.InvalidArgument, outputPath));
        return folder;
    }

    /// <summary>
    /// Claims an output file for one input of this run, on the pipeline thread before any image in flight has
    /// written its own: two inputs with one base name would otherwise race for the same file.
    /// </summary>
    protected void ClaimOutput(string output, string input, string? whyTaken = null)
    {
        if (!claimedOutputs.Add(output))
            throw new ImageException(ImageErrorKind.OutputExists, output, whyTaken ??
                $"'{output}' was already written for another input of this run with the same base name as '{input}'. Write them into different -OutputPath folders.");
    }

    /// <summary>
    /// What -WhatIf and -Confirm say a file would get: written, overwritten (-Force), or refused because the output
    /// is already there, as the real run would do.
    /// </summary>
    protected static string OutputAction(string action, string output, bool force) => OutputRules.FateOf(output, force) switch
    {
        OutputFate.Overwrite => $"{action}, overwrite '{output}'",
        OutputFate.Refuse => $"{action}: refused, '{output}' already exists (OutputExists; -Force overwrites it)",
        _ => $"{action}, write '{output}'",
    };

    /// <summary>What the decoder did to an input, for -Verbose: " (rotated 90° clockwise as its EXIF orientation says)".</summary>
    protected static string Notes(IReadOnlyList<string> notes) => notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})";

    /// <summary>
    /// Makes sure files can be created in an output folder, once per folder and batch, after the model was found
    /// (a failed command creates nothing) and before any image runs for it; sweeps temporary files that killed
    /// runs left there. An unwritable -OutputPath stops the command; a folder beside some inputs fails those files.
    /// </summary>
    protected void PrepareOutputFolder(string folder, bool isOutputPath)
    {
        if (!checkedFolders.TryGetValue(folder, out var failure))
        {
            try
            {
                AtomicFile.EnsureWritable(folder);
                foreach (var stale in AtomicFile.SweepStale(folder))
                    WriteVerbose($"Removed '{stale}' from '{folder}': a temporary file left by a run that was killed before it finished.");
            }
            catch (ImageException e)
            {
                failure = e;
            }
            checkedFolders[folder] = failure;
        }
        if (failure is null)
            return;
        if (isOutputPath)
            ThrowTerminatingError(ErrorRecords.ForImage(failure));
        throw failure;
    }

    public void Dispose()
    {
        pipeline?.Dispose(); // a stopped or failed command: cancel what is in flight and wait for it to end
        ReleaseSession();
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
