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
        $"The output of '{input}' would be '{output}', which is already the output of '{earlier}' in this run (both are named '{Path.GetFileNameWithoutExtension(input)}'). Write them into different -OutputPath folders.";

    /// <summary>Runs the job on one image, on a batch worker.</summary>
    internal abstract ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken);

    /// <summary>
    /// The bytes an image of <paramref name="pixels"/> holds at its peak while in flight (its decoded picture, mask,
    /// composed output and the work buffers beside them), for the batch's memory admission.
    /// </summary>
    internal abstract long Cost(long pixels, ModelSession session);
}
