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
            if (!Force && File.Exists(maskPath))
                throw ImageException.OutputExists(maskPath);
        }

        var session = Session; // the model first: without one, nothing is created
        if (outputFolder is not null)
            PrepareOutputFolder(outputFolder, isOutputPath: true);
        var (force, maskOptions, maxPixels) = (Force.IsPresent, MaskOptions, MaxPixels);
        return token =>
        {
            var image = BackgroundRemoval.DecodeForModel(session, path, maxPixels); // the mask needs only the model's view
            token.ThrowIfCancellationRequested();
            var alpha = BackgroundRemoval.ComputeMask(session, image, maskOptions, token);
            if (maskPath is not null)
                AtomicFile.Write(maskPath, force, alpha.WritePng, token);
            var (warnings, notes) = (image.Warnings, image.Notes); // not the pixels: they are freed before the result is written
            return () =>
            {
                foreach (var warning in warnings)
                    WriteWarning(warning);
                if (SubjectCoverage.Warning(path, alpha.ForegroundRatio) is { } unclear)
                    WriteWarning(unclear);
                WriteVerbose($"{System.IO.Path.GetFileName(path)}: {alpha.Width}x{alpha.Height}{Notes(notes)}, foreground {alpha.ForegroundRatio:P1}{(maskPath is null ? "" : $" -> '{maskPath}'")}.");
                WriteObject(new ImageMask(path, alpha, session.ModelName, maskPath));
            };
        };
    }
}
