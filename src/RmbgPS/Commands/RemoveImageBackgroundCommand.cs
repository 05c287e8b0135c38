using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
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
    /// <summary>The folder for the cut-outs (created when missing), or with one input a file name whose extension picks the format. Default: beside each input.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Overwrite existing output files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Re-estimates the subject's colour in semi-transparent pixels (hair, fur) so the old background does not show as a fringe. On unless -RefineForeground:$false.</summary>
    [Parameter]
    public SwitchParameter RefineForeground { get; set; } = CutoutOptions.Default.Foreground is not null;

    /// <summary>How -RefineForeground estimates the colour: MultiLevel (the default) or BlurFusion (faster, a little more fringe).</summary>
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

    /// <summary>1..100 for WebP and JPEG; WebP at 100 is lossless.</summary>
    [Parameter]
    [ValidateRange(CutoutOptions.MinQuality, CutoutOptions.MaxQuality)]
    public int Quality { get; set; } = CutoutOptions.DefaultQuality;

    /// <summary>Crops the output to the subject (alpha at least half) and its soft edge.</summary>
    [Parameter]
    public SwitchParameter Crop { get; set; }

    /// <summary>Pixels of margin around the cropped subject (with -Crop), as far as the picture's edges.</summary>
    [Parameter]
    [ValidateRange(0, CutoutOptions.MaxPadding)]
    public int Padding { get; set; }

    /// <summary>Lets -Padding extend past the picture's edges, so the output may be larger than the input.</summary>
    [Parameter]
    public SwitchParameter PadBeyondFrame { get; set; }

    protected override ImageJob CreateJob()
    {
        var maxPixels = ImageLimits.PixelsOf(MaxMegapixels);
        var picture = BackgroundImage is null ? null : CutoutJob.LoadPicture(SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackgroundImage), maxPixels);
        foreach (var warning in picture?.Picture.Warnings ?? [])
            WriteWarning($"-BackgroundImage: {warning}");
        var options = new CutoutOptions
        {
            Foreground = RefineForeground ? ForegroundMethod ?? CutoutOptions.Default.Foreground : null,
            BackgroundColor = BackgroundColor is null ? null : CutoutJob.ParseColour(BackgroundColor),
            BackgroundPicture = picture,
            Crop = Crop.IsPresent,
            Padding = Padding,
            PadBeyondFrame = PadBeyondFrame.IsPresent,
            Quality = Quality,
        };
        var output = OutputPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
        return CutoutJob.Create(output, Format, options, MyInvocation.BoundParameters.ContainsKey(nameof(Padding))) with
        {
            Mask = MaskOptions, Detail = Detail, MaxPixels = maxPixels, Overwrite = Force.IsPresent,
        };
    }

    protected override object ToResult(ImageOutcome outcome) => new RemovalResult((RemovalOutcome)outcome);

    private protected override object ToResult(Remoting.NodeReport report) => Remoting.RemoteResults.ToRemoval(report);
}
