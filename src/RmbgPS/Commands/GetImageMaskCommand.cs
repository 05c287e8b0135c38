using System.Management.Automation;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Computes the subject mask of images and returns it as an object; with -OutputPath also writes it as a grey PNG.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageMask", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageMask))]
public sealed class GetImageMaskCommand : ImageCommandBase
{
    /// <summary>A folder to write each mask to as &lt;name&gt;.mask.png (8-bit grayscale); created when missing.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Overwrite existing mask files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override ImageJob CreateJob() => new MaskJob
    {
        OutputFolder = OutputRules.CheckFolder(OutputPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath)),
        Mask = MaskOptions,
        Detail = Detail,
        MaxPixels = Engine.Imaging.ImageLimits.PixelsOf(MaxMegapixels),
        Overwrite = Force.IsPresent,
    };

    protected override object ToResult(ImageOutcome outcome) => new ImageMask((MaskOutcome)outcome);

    private protected override object ToResult(Remoting.NodeReport report) => Remoting.RemoteResults.ToMask(report);
}
