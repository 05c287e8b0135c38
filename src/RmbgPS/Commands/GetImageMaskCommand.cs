using System.Management.Automation;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Computes the subject mask of images and returns it as an object; with -OutputPath also writes it as a grey PNG.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageMask", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageMask))]
public sealed class GetImageMaskCommand : ImageCommandBase
{
    private string? outputFolder;

    /// <summary>A folder to write each mask to as &lt;name&gt;.mask.png (8-bit grayscale); created when missing.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Overwrite existing mask files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string Activity => "Computing image masks";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        outputFolder = ResolveOutputFolder(OutputPath);
    }

    protected override bool IsOwnOutput(string path) => OutputNames.IsMask(path);

    protected override Func<CancellationToken, Action>? Plan(string path)
    {
        string? maskPath = null;
        if (outputFolder is not null)
        {
            maskPath = OutputNames.Mask(path, outputFolder);
            if (!ShouldProcess(path, OutputAction("Compute mask", maskPath, Force)))
                return null;
            ClaimOutput(maskPath, path);
            OutputRules.CheckOutput(path, maskPath, Force); // before the model: no work for a refused file
        }

        var session = Session; // the model first: without one, nothing is created
        if (outputFolder is not null)
            PrepareOutputFolder(outputFolder, isOutputPath: true);
        var (force, maskOptions, maxPixels) = (Force.IsPresent, MaskOptions, MaxPixels);
        return token =>
        {
            var outcome = BackgroundRemoval.WriteMask(session, path, maskPath, force, maskOptions, maxPixels, token);
            ObserveImage(outcome.ImageWork, outcome.ModelRun);
            return () =>
            {
                foreach (var warning in outcome.Warnings)
                    WriteWarning(warning);
                var alpha = outcome.Mask;
                WriteVerbose($"{System.IO.Path.GetFileName(path)}: {alpha.Width}x{alpha.Height}{Notes(outcome.Notes)}, foreground {alpha.ForegroundRatio:P1}{(maskPath is null ? "" : $" -> '{maskPath}'")}.");
                WriteObject(new ImageMask(path, alpha, session.ModelName, session.ExecutionProvider, maskPath));
            };
        };
    }
}
