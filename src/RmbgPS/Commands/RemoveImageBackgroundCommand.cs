using System.Diagnostics;
using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Removes the background of images: writes a cut-out whose alpha is the subject mask (PNG, WebP, or JPEG onto a background).</para>
/// <para type="description">Each image is resized to the model's input, segmented by the shared engine's model, and the mask is
/// brought back to the image's full size with antialiased filtering. The subject's colour is re-estimated at soft edges
/// (-RefineForeground, on by default) so no fringe of the old background remains. The output goes beside the input as
/// &lt;name&gt;.nobg.png (or .webp/.jpg), or into -OutputPath. Inputs are never overwritten; existing outputs only with -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ImageBackground", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(RemovalResult))]
public sealed class RemoveImageBackgroundCommand : ImageCommandBase
{
    private string? outputFolder;
    private string? outputFile;
    private CutoutOptions cutoutOptions = CutoutOptions.Default;

    /// <summary>The folder for the cut-outs (created when missing), or with one input a file name whose extension picks the format. Default: beside each input.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Overwrite existing output files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Re-estimates the subject's colour in semi-transparent pixels (hair, fur) so the old background does not show as a fringe. On unless -RefineForeground:$false.</summary>
    [Parameter]
    public SwitchParameter RefineForeground { get; set; } = true;

    /// <summary>How -RefineForeground estimates the colour: MultiLevel or BlurFusion (faster, a little more fringe). Default: the engine's (CutoutOptions.Default).</summary>
    [Parameter]
    public ForegroundMethod? ForegroundMethod { get; set; }

    /// <summary>Composites onto a colour: a name (white, black, transparent, ...) or #rgb, #rrggbb, #rrggbbaa.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackgroundColorCompleter))]
    public string? BackgroundColor { get; set; }

    /// <summary>Composites onto a picture, scaled to cover the output and centred.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageFileCompleter))]
    public string? BackgroundImage { get; set; }

    /// <summary>Png, WebP (keeps alpha) or Jpeg (needs an opaque background). Default: from the -OutputPath file extension, else Png.</summary>
    [Parameter]
    public OutputFormat? Format { get; set; }

    /// <summary>1..100 for WebP and JPEG (default 90); WebP at 100 is lossless.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Quality { get; set; } = 90;

    /// <summary>Crops the output to the subject's bounding box.</summary>
    [Parameter]
    public SwitchParameter Crop { get; set; }

    /// <summary>Pixels of margin around the cropped subject (with -Crop); may extend past the original frame.</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int Padding { get; set; }

    protected override string Activity => "Removing image backgrounds";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ResolveOutput();
        var format = Format ?? (outputFile is null ? OutputFormat.Png : OutputFormats.FromExtension(outputFile)!.Value);
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Padding)) && !Crop)
            Fail(new ArgumentException("-Padding is the margin around a cropped subject: add -Crop."), "PaddingWithoutCrop", Padding);

        BackgroundColor? colour = null;
        if (BackgroundColor is not null)
        {
            try
            {
                colour = Engine.Compositing.BackgroundColor.Parse(BackgroundColor);
            }
            catch (FormatException e)
            {
                Fail(new ArgumentException($"-BackgroundColor: {e.Message}", e), "InvalidBackgroundColor", BackgroundColor);
            }
        }
        BackgroundPicture? picture = null;
        if (BackgroundImage is not null)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackgroundImage);
            try
            {
                picture = BackgroundPicture.Load(path, MaxPixels); // once for the whole batch
                foreach (var warning in picture.Picture.Warnings)
                    WriteWarning($"-BackgroundImage: {warning}");
            }
            catch (ImageException e)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-BackgroundImage: {e.Message}", e), "InvalidBackgroundImage", ErrorCategory.InvalidArgument, path));
            }
        }

        cutoutOptions = new CutoutOptions
        {
            RefineForeground = RefineForeground.IsPresent,
            ForegroundMethod = ForegroundMethod ?? CutoutOptions.Default.ForegroundMethod,
            BackgroundColor = colour,
            BackgroundPicture = picture,
            Crop = Crop.IsPresent,
            Padding = Padding,
            Format = format,
            Quality = Quality,
        };
        try
        {
            OutputRules.CheckOptions(cutoutOptions);
        }
        catch (ArgumentException e)
        {
            Fail(e, "JpegNeedsBackground", format);
        }
    }

    protected override bool IsOwnOutput(string path) => OutputNames.IsCutout(path) || OutputNames.IsMask(path);

    protected override Func<CancellationToken, Action>? Plan(string path)
    {
        var output = outputFile ?? OutputNames.Cutout(path, outputFolder, cutoutOptions.Format);
        if (!ShouldProcess(path, OutputAction("Remove background", output, Force)))
            return null;
        OutputRules.CheckOutput(path, output, Force, cutoutOptions); // before the model: no work for a refused file
        ClaimOutput(output, path, outputFile is null ? null
            : $"-OutputPath '{output}' names one file, but more than one image came in ('{path}' is another). Give a folder as -OutputPath.");

        var session = Session; // the model first: without one, nothing is created
        PrepareOutputFolder(System.IO.Path.GetDirectoryName(output)!, isOutputPath: OutputPath is not null);
        var (force, maskOptions, options, maxPixels) = (Force.IsPresent, MaskOptions, cutoutOptions, MaxPixels);
        var planned = Stopwatch.GetTimestamp();
        return token =>
        {
            var queued = Stopwatch.GetElapsedTime(planned);
            var outcome = BackgroundRemoval.RemoveBackground(session, path, output, force, maskOptions, options, maxPixels, token);
            ObserveImage(outcome.ImageWork, outcome.ModelRun);
            return () =>
            {
                foreach (var warning in outcome.Warnings)
                    WriteWarning(warning);
                WriteVerbose($"{System.IO.Path.GetFileName(path)}: {outcome.Width}x{outcome.Height}{Notes(outcome.Notes)}, foreground {outcome.ForegroundRatio:P1}, " +
                             $"{outcome.ProcessingTime.TotalMilliseconds:0} ms (and {(queued + outcome.ModelWait).TotalMilliseconds:0} ms queued) -> '{output}' ({outcome.Format}, {outcome.OutputWidth}x{outcome.OutputHeight}).");
                WriteObject(new RemovalResult(outcome, session, queued + outcome.ModelWait));
            };
        };
    }

    /// <summary>-OutputPath is a file when it ends in an image extension and is not an existing folder; else a folder.</summary>
    private void ResolveOutput()
    {
        if (OutputPath is not null && SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath) is var file && OutputNames.IsFileTarget(file))
        {
            outputFile = file;
            if (Format is { } format && format != OutputFormats.FromExtension(file))
                Fail(new ArgumentException($"-Format {format} does not match the extension of -OutputPath '{OutputPath}'. Leave out -Format, or end the file name in {OutputFormats.Extension(format)}."), "FormatMismatch", OutputPath);
            return;
        }
        outputFolder = ResolveOutputFolder(OutputPath);
    }

    private void Fail(Exception e, string errorId, object? target) =>
        ThrowTerminatingError(new ErrorRecord(e, errorId, ErrorCategory.InvalidArgument, target));
}
