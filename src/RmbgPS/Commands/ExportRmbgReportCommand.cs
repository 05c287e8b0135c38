using System.Management.Automation;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Reporting;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Writes a review sheet: one HTML page showing every image of a batch as thumbnails, the doubtful first, and the files that failed.</para>
/// <para type="description">Pipe the results of Remove-ImageBackground or Get-ImageMask into it, with their error records
/// (-ErrorVariable). The thumbnails are written beside the page in a folder named after it (review.html, review_files),
/// linked relatively, so the two can be zipped and mailed; the page needs no network.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "RmbgReport", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRmbgReportCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<ReviewEntry> entries = [];
    private readonly List<ReviewFailure> failures = [];
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>The page to write (.html); its thumbnails go to the folder beside it named &lt;name&gt;_files.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    /// <summary>The page to write, taken as typed (no wildcard characters are special).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    /// <summary>Results of Remove-ImageBackground and Get-ImageMask, and their error records; from a remote node too.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The page's heading; by default "RmbgPS review" and the page's name.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>Replaces an existing page (and the thumbnails an earlier sheet left in its folder).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the page's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
            return;
        var (entry, failure) = ReviewInputs.Read(InputObject);
        if (entry is not null)
            entries.Add(entry);
        else if (failure is not null)
            failures.Add(failure);
        else
            WriteError(new ErrorRecord(new ArgumentException(
                    $"Export-RmbgReport takes the results of Remove-ImageBackground and Get-ImageMask and their error records; '{InputObject}' ({InputObject.TypeNames.FirstOrDefault()}) is neither, and was left out."),
                ErrorIds.NotAReviewableResult, ErrorCategory.InvalidArgument, InputObject));
    }

    protected override void EndProcessing()
    {
        var page = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        var folder = ReviewSheet.FilesFolderFor(page);
        if (!ShouldProcess(page, $"Write a review sheet of {entries.Count} images and {failures.Count} failed files, with thumbnails in '{folder}'"))
            return;
        var options = new ReviewSheetOptions { Title = Title ?? $"RmbgPS review: {System.IO.Path.GetFileNameWithoutExtension(page)}", Overwrite = Force };
        ReviewSheetResult result;
        try
        {
            result = ProgressRelay.Count(this, "Export-RmbgReport: making thumbnails", "images", entries.Count,
                imageDone => ReviewSheet.Write(page, entries, failures, options, imageDone, cancellation.Token));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (FileException e)
        {
            ThrowTerminatingError(ErrorRecords.ForFile(e));
            return;
        }
        WriteVerbose($"Wrote the review sheet '{result.PagePath}': {result.Images} images ({result.NeedingReview} to review) and {result.Failed} failed files; " +
                     $"thumbnails in '{result.FilesFolder}', made in {result.ThumbnailTime.TotalSeconds:0.0} s.");
        if (PassThru)
            WriteObject(new FileInfo(result.PagePath));
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose() => cancellation.Dispose();
}
