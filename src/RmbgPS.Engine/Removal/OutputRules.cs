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
    /// <summary>Left as it is: it exists, and the run skips existing outputs (-SkipExisting).</summary>
    Skip,
}

/// <summary>
/// Every rule about what a run may write, in one place: the engine checks them when it writes, and the batch asks the
/// same functions earlier (before a model loads, or to say what -WhatIf would do), so every path gives one error.
/// </summary>
public static class OutputRules
{
    /// <summary>Options that contradict themselves: JPEG has no transparency, so it needs an opaque background.</summary>
    public static void CheckOptions(CutoutOptions options)
    {
        if (options.Format == OutputFormat.Jpeg && !options.HasOpaqueBackground)
            throw new OptionException(OptionProblem.JpegNeedsBackground, options.Format,
                "JPEG has no transparency: add an opaque -BackgroundColor (e.g. white) or -BackgroundImage, or choose -Format Png or WebP.");
    }

    /// <summary>An output folder (created when missing) must not be an existing file; null stays null.</summary>
    public static string? CheckFolder(string? folder) => folder is not null && File.Exists(folder)
        ? throw new OptionException(OptionProblem.OutputPathIsFile, folder, $"-OutputPath '{folder}' is a file; it must be a folder (created when missing).")
        : folder;

    /// <summary>What a write to <paramref name="outputPath"/> would do now.</summary>
    public static OutputFate FateOf(string outputPath, bool overwrite) =>
        !File.Exists(outputPath) ? OutputFate.Write : overwrite ? OutputFate.Overwrite : OutputFate.Refuse;

    /// <summary>
    /// Why an output may not be written: it is the input itself or the background picture (never overwritten, even
    /// with overwrite), or an existing file without <paramref name="overwrite"/>; null when it may.
    /// </summary>
    public static FileException? Refusal(string inputPath, string outputPath, bool overwrite, CutoutOptions? options = null)
    {
        var output = Path.GetFullPath(outputPath);
        if (Paths.Same(inputPath, output))
            return new FileException(FileErrorKind.OutputIsInput, output, $"The output for '{inputPath}' would overwrite the input itself. Choose another -OutputPath.");
        if (options?.BackgroundPicture?.SourcePath is { } picture && Paths.Same(picture, output))
            return new FileException(FileErrorKind.OutputIsInput, output, $"The output '{output}' would overwrite the -BackgroundImage. Choose another -OutputPath.");
        return FateOf(output, overwrite) == OutputFate.Refuse ? FileException.OutputExists(output, inputPath) : null;
    }

    /// <summary>Throws the <see cref="Refusal"/>, if any.</summary>
    public static void CheckOutput(string inputPath, string outputPath, bool overwrite, CutoutOptions? options = null)
    {
        if (Refusal(inputPath, outputPath, overwrite, options) is { } refusal)
            throw refusal;
    }
}
