using System.Management.Automation;
using RmbgPS.Engine;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Removes the background of images: writes a PNG cut-out whose alpha is the subject mask.</para>
/// <para type="description">Each image is resized to the model's input, segmented by the shared engine's model, and the mask is
/// brought back to the image's full size with antialiased filtering. The output goes beside the input as
/// &lt;name&gt;.nobg.png, or into -OutputPath. Inputs are never overwritten; existing outputs only with -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ImageBackground", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(RemovalResult))]
public sealed class RemoveImageBackgroundCommand : ImageCommandBase
{
    public const string OutputSuffix = ".nobg.png";

    private readonly HashSet<string> writtenThisRun = new(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
    private string? outputFolder;

    /// <summary>The folder for the cut-outs (created when missing). Default: beside each input.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Overwrite existing output files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string Activity => "Removing image backgrounds";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        outputFolder = ResolveOutputFolder(OutputPath);
    }

    protected override void ProcessFile(string path)
    {
        var folder = outputFolder ?? System.IO.Path.GetDirectoryName(path)!;
        var output = System.IO.Path.Combine(folder, System.IO.Path.GetFileNameWithoutExtension(path) + OutputSuffix);
        if (!ShouldProcess(path, $"Remove background, write '{output}'"))
            return;
        if (!writtenThisRun.Add(output))
            throw new ImageException(ImageErrorKind.OutputExists, output,
                $"'{output}' was already written for another input of this run with the same base name as '{path}'. Process them into different -OutputPath folders.");

        EnsureFolder(folder);
        var session = Session;
        var outcome = BackgroundRemoval.RemoveBackground(session, path, output, Force.IsPresent, MaskOptions, MaxPixels, Cancellation);
        WriteVerbose($"{System.IO.Path.GetFileName(path)}: {outcome.Width}x{outcome.Height}, foreground {outcome.ForegroundRatio:P1}, {outcome.Elapsed.TotalMilliseconds:0} ms -> '{output}'.");
        WriteObject(new RemovalResult(outcome, session));
    }
}
