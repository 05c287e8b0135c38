using System.Diagnostics;
using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;

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
    private SessionLease? lease;
    private int done;

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
        foreach (var file in ResolveInputs())
        {
            Cancellation.ThrowIfCancellationRequested();
            WriteProgress(new ProgressRecord(1, Activity, $"{System.IO.Path.GetFileName(file)} ({done} done{Rate()})"));
            try
            {
                ProcessFile(file);
            }
            catch (ImageException e)
            {
                WriteError(ErrorRecords.ForImage(e));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (e is not RuntimeException) // terminating errors (no model, no device) are RuntimeExceptions
            {
                // Anything else that fails on one file (the runtime on an odd image, memory) stays that file's error.
                WriteError(ErrorRecords.Create(new IOException($"Processing '{file}' failed: {e.Message}", e), "ProcessingFailed", ErrorCategory.NotSpecified, file));
            }
            done++;
        }
    }

    protected override void EndProcessing()
    {
        if (done > 0)
            WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
        ReleaseSession();
    }

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Handles one resolved file system path.</summary>
    protected abstract void ProcessFile(string path);

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
            ReleaseSession();
            var engine = RmbgEngine.Shared;
            try
            {
                var location = engine.LocateModel(Model);
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
                ? $"Loaded model '{session.ModelPath}' ({session.Location.ChosenBy}) on {session.Device} in {session.LoadTime.TotalMilliseconds:0} ms; profile {session.Profile.Name} ({session.ProfileReason}); input '{session.InputName}' {session.InputWidth}x{session.InputHeight}, output '{session.OutputName}'."
                : $"Using the loaded model '{session.ModelPath}' on {session.Device} (profile {session.Profile.Name}).");
            return session;
        }
    }

    private void ReleaseSession()
    {
        lease?.Dispose();
        lease = null;
    }

    private string Rate()
    {
        var seconds = batchClock.Elapsed.TotalSeconds;
        return done > 0 && seconds > 0 ? $", {done / seconds:0.00} images/s" : "";
    }

    /// <summary>File system paths for the current record; unresolvable ones are reported and skipped.</summary>
    private IEnumerable<string> ResolveInputs()
    {
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
                if (IsFile(resolved, literal))
                    yield return resolved;
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
                WriteError(ErrorRecords.Create(new FileNotFoundException($"Cannot find '{pattern}'. Check the path; use -LiteralPath if it contains wildcard characters such as [ ].", e),
                    "FileNotFound", ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var file in resolved)
                if (IsFile(file, pattern))
                    yield return file;
        }
    }

    private bool IsFile(string path, string asGiven)
    {
        if (!Directory.Exists(path))
            return true; // a missing file is reported by the decoder, with the rest of the batch going on
        WriteError(ErrorRecords.Create(new ArgumentException($"'{asGiven}' is a folder. Pass its images, e.g. Get-ChildItem '{asGiven}' -File | {MyInvocation.MyCommand.Name}."),
            "PathIsFolder", ErrorCategory.InvalidArgument, asGiven));
        return false;
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

    /// <summary>What the decoder did to an input, for -Verbose: " (rotated 90° clockwise as its EXIF orientation says)".</summary>
    protected static string Notes(IReadOnlyList<string> notes) => notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})";

    protected static void EnsureFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(ImageErrorKind.WriteFailed, folder, $"Cannot create the output folder '{folder}': {e.Message}", e);
        }
    }

    public void Dispose()
    {
        ReleaseSession();
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
