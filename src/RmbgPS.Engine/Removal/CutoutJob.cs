using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine.Removal;

/// <summary>Writes each image's cut-out: &lt;name&gt;.nobg.&lt;ext&gt; beside it, in a folder, or one named file.</summary>
public sealed record CutoutJob : ImageJob
{
    private CutoutJob(CutoutOptions cutout, string? outputFolder, string? outputFile)
    {
        Cutout = cutout;
        OutputFolder = outputFolder;
        OutputFile = outputFile;
    }

    public CutoutOptions Cutout { get; }
    /// <summary>The folder for the cut-outs, or null for beside each input.</summary>
    public string? OutputFolder { get; }
    /// <summary>The one file to write, when the output path names a file (its extension picks the format).</summary>
    public string? OutputFile { get; }

    public override string Activity => "Removing image backgrounds";
    public override string Action => "Remove background";
    public override bool WritesToOneFolder => OutputFolder is not null || OutputFile is not null;

    /// <summary>Cut-outs and masks: neither is a photo to cut out again.</summary>
    public override bool IsOwnOutput(string path) => OutputNames.IsCutout(path) || OutputNames.IsMask(path);

    public override string OutputFor(string input) =>
        OutputFile ?? OutputNames.Cutout(input, OutputFolder is null ? null : FolderFor(input, OutputFolder), Cutout.Format);

    public override void CheckChoices() => CheckOutputChoices(OutputFolder is not null);

    internal override FileException? Refusal(string input, string output) => OutputRules.Refusal(input, output, Overwrite, Cutout);

    internal override string ClashMessage(string output, string input, string earlier) => OutputFile is null
        ? base.ClashMessage(output, input, earlier)
        : $"-OutputPath '{output}' names one file, but more than one image came in ('{earlier}' and '{input}'). Give a folder as -OutputPath.";

    internal override ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken) =>
        BackgroundRemoval.RemoveBackground(session, input, output!, Overwrite, Mask, Detail, Cutout, MaxPixels, cancellationToken);

    internal override long Cost(long pixels, ModelSession session) => ImageCosts.Cutout(pixels, session, Cutout);

    /// <summary>
    /// The job for an output path: a file when it ends in an image extension and is not an existing folder (the
    /// extension then picks the format), else a folder (created when missing); null writes beside each input. The
    /// options' format is <paramref name="format"/>, else the file's, else PNG. Refuses options that contradict
    /// each other, before any image is read.
    /// </summary>
    public static CutoutJob Create(string? outputPath, OutputFormat? format, CutoutOptions options, bool paddingGiven = false)
    {
        string? file = null, folder = null;
        if (outputPath is not null && OutputNames.IsFileTarget(outputPath))
        {
            file = outputPath;
            var named = OutputFormats.FromExtension(file)!.Value;
            if (format is { } asked && asked != named)
                throw new OptionException(OptionProblem.FormatMismatch, outputPath,
                    $"-Format {asked} does not match the extension of -OutputPath '{outputPath}'. Leave out -Format, or end the file name in {OutputFormats.Extension(asked)}.");
            format = named;
        }
        else
            folder = OutputRules.CheckFolder(outputPath);
        if ((paddingGiven || options.PadBeyondFrame) && !options.Crop)
            throw new OptionException(OptionProblem.PaddingWithoutCrop, options.Padding,
                $"{(paddingGiven ? "-Padding" : "-PadBeyondFrame")} shapes the margin around a cropped subject: add -Crop.");
        options = options with { Format = format ?? options.Format };
        OutputRules.CheckOptions(options);
        return new CutoutJob(options, folder, file);
    }

    /// <summary>A background colour by name or #rgb, #rrggbb, #rrggbbaa.</summary>
    public static BackgroundColor ParseColour(string colour)
    {
        try
        {
            return BackgroundColor.Parse(colour);
        }
        catch (FormatException e)
        {
            throw new OptionException(OptionProblem.InvalidBackgroundColor, colour, $"-BackgroundColor: {e.Message}", e);
        }
    }

    /// <summary>A background picture, decoded once for the whole batch.</summary>
    public static BackgroundPicture LoadPicture(string path, long maxPixels)
    {
        try
        {
            return BackgroundPicture.Load(path, maxPixels);
        }
        catch (FileException e)
        {
            throw new OptionException(OptionProblem.InvalidBackgroundImage, path, $"-BackgroundImage: {e.Message}", e);
        }
    }
}
