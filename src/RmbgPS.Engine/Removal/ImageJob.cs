using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>
/// What a batch does to each image, and every rule about what it writes: the output's name, which listed files are
/// the job's own outputs, what a refused output looks like, and what an image costs in memory while it is in flight.
/// The same job runs the same way wherever the batch runs (the cmdlets, the benchmark, a remote node).
/// </summary>
public abstract record ImageJob
{
    public MaskOptions Mask { get; init; } = MaskOptions.Default;
    /// <summary>One look at the picture, or a second look at the subject (<see cref="MaskDetail.High"/>).</summary>
    public MaskDetail Detail { get; init; }
    /// <summary>Inputs (and outputs) above this many pixels are refused with ImageTooLarge.</summary>
    public long MaxPixels { get; init; } = ImageLimits.DefaultMaxPixels;
    /// <summary>Overwrite existing outputs (-Force).</summary>
    public bool Overwrite { get; init; }
    /// <summary>Skip an input whose output exists, leaving the file as it is (-SkipExisting): a rerun does only what is new.</summary>
    public bool SkipExisting { get; init; }
    /// <summary>
    /// The folder inputs' paths are taken relative to (-RelativeBasePath): each output goes to the same relative folder
    /// under the output folder, so a tree comes out as a tree. Null puts every output straight in the output folder.
    /// </summary>
    public string? RelativeBase { get; init; }

    /// <summary>What the batch is doing, for progress: "Removing image backgrounds".</summary>
    public abstract string Activity { get; }
    /// <summary>What is done to one file, for -WhatIf and -Confirm: "Remove background".</summary>
    public abstract string Action { get; }

    /// <summary>True when every output goes to the folder the caller named (-OutputPath): a folder that cannot be written then ends the run.</summary>
    public abstract bool WritesToOneFolder { get; }

    /// <summary>Whether a listing (a wildcard, Get-ChildItem) leaves this file out as the job's own output.</summary>
    public abstract bool IsOwnOutput(string path);

    /// <summary>The file the job writes for an input, or null when it writes none.</summary>
    public abstract string? OutputFor(string input);

    /// <summary>
    /// Why the output for <paramref name="input"/> may not be written (the input itself, an existing file without
    /// overwrite, ...), or null. Asked before the model runs, and asked again by the write itself.
    /// </summary>
    internal abstract FileException? Refusal(string input, string output);

    /// <summary>What an output clash between two inputs of one batch says.</summary>
    internal virtual string ClashMessage(string output, string input, string earlier) =>
        $"The output of '{input}' would be '{output}', which is already the output of '{earlier}' in this run (both are named '{Path.GetFileNameWithoutExtension(input)}'). Give -RelativeBasePath (the folder you listed) to keep the folders apart under -OutputPath, or write them into different -OutputPath folders.";

    /// <summary>
    /// The folder an input's output goes to under <paramref name="outputFolder"/>: the input's own folder relative to
    /// <see cref="RelativeBase"/> when one is given. An input outside that folder gets an OutsideBasePath refusal.
    /// </summary>
    protected string FolderFor(string input, string outputFolder)
    {
        if (RelativeBase is null)
            return outputFolder;
        var relative = Path.GetRelativePath(RelativeBase, Path.GetDirectoryName(Path.GetFullPath(input))!);
        return relative == "." ? outputFolder : Path.Combine(outputFolder, relative);
    }

    /// <summary>Why an input cannot take its relative path from <see cref="RelativeBase"/>: it is not under it.</summary>
    internal FileException? OutsideBase(string input)
    {
        if (RelativeBase is null)
            return null;
        var relative = Path.GetRelativePath(RelativeBase, Path.GetFullPath(input));
        return relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? new FileException(FileErrorKind.OutsideBasePath, input, $"'{input}' is not under -RelativeBasePath '{RelativeBase}', so it has no relative path to keep under -OutputPath. Give a -RelativeBasePath that holds every input.")
            : null;
    }

    /// <summary>Refuses contradicting choices about existing outputs and relative paths (OptionException), before any image is read.</summary>
    public abstract void CheckChoices();

    protected void CheckOutputChoices(bool hasOutputFolder)
    {
        if (SkipExisting && Overwrite)
            throw new OptionException(OptionProblem.SkipExistingWithForce, "SkipExisting", "-SkipExisting leaves existing outputs alone and -Force overwrites them: give one of them.");
        if (RelativeBase is not null && !hasOutputFolder)
            throw new OptionException(OptionProblem.RelativeBaseWithoutOutputFolder, RelativeBase,
                "-RelativeBasePath keeps each input's folder under -OutputPath: give an -OutputPath folder too (without one, outputs are written beside their inputs anyway).");
    }

    /// <summary>Runs the job on one image, on a batch worker.</summary>
    internal abstract ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken);

    /// <summary>
    /// The bytes an image of <paramref name="pixels"/> holds at its peak while in flight (its decoded picture, mask,
    /// composed output and the work buffers beside them), for the batch's memory admission.
    /// </summary>
    internal abstract long Cost(long pixels, ModelSession session);
}
