using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Removal;

/// <summary>What happens to an output file: written new, written over (with overwrite), or refused.</summary>
public enum OutputFate
{
    Write,
    Overwrite,
    Refuse,
}

/// <summary>
/// Every rule about what a run may write, in one place: the engine checks them when it writes, and callers ask the
/// same functions earlier (before a model loads, or to say what -WhatIf would do), so every path gives one error.
/// </summary>
public static class OutputRules
{
    /// <summary>Options that contradict themselves: JPEG has no transparency, so it needs an opaque background.</summary>
    public static void CheckOptions(CutoutOptions options)
    {
        if (options.Format == OutputFormat.Jpeg && !options.HasOpaqueBackground)
            throw new ArgumentException("JPEG has no transparency: add an opaque -BackgroundColor (e.g. white) or -BackgroundImage, or choose -Format Png or WebP.");
    }

    /// <summary>What a write to <paramref name="outputPath"/> would do now.</summary>
    public static OutputFate FateOf(string outputPath, bool overwrite) =>
        !File.Exists(outputPath) ? OutputFate.Write : overwrite ? OutputFate.Overwrite : OutputFate.Refuse;

    /// <summary>
    /// Refuses an output that is the input itself or the background picture (never overwritten, even with
    /// overwrite), and an existing file unless <paramref name="overwrite"/>.
    /// </summary>
    public static void CheckOutput(string inputPath, string outputPath, bool overwrite, CutoutOptions? options = null)
    {
        var output = Path.GetFullPath(outputPath);
        if (Paths.Same(inputPath, output))
            throw new ImageException(ImageErrorKind.OutputIsInput, output, $"The output for '{inputPath}' would overwrite the input itself. Choose another -OutputPath.");
        if (options?.BackgroundPicture?.SourcePath is { } picture && Paths.Same(picture, output))
            throw new ImageException(ImageErrorKind.OutputIsInput, output, $"The output '{output}' would overwrite the -BackgroundImage. Choose another -OutputPath.");
        if (FateOf(output, overwrite) == OutputFate.Refuse)
            throw ImageException.OutputExists(output);
    }
}
