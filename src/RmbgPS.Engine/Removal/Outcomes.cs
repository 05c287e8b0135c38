using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>What one image's background removal produced; Notes are what the decoder did to the input (for -Verbose).</summary>
public sealed record RemovalOutcome(string InputPath, string OutputPath, int Width, int Height, double ForegroundRatio, MaskBounds? Bounds, TimeSpan Elapsed)
{
    public int OutputWidth { get; init; }
    public int OutputHeight { get; init; }
    public OutputFormat Format { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Of <see cref="Elapsed"/>, the time spent waiting for the model while it ran other images.</summary>
    public TimeSpan ModelWait { get; init; }
    /// <summary>Of <see cref="Elapsed"/>, the model's run itself.</summary>
    public TimeSpan ModelRun { get; init; }
    /// <summary>The image's own work: <see cref="Elapsed"/> without <see cref="ModelWait"/>.</summary>
    public TimeSpan ProcessingTime => Elapsed - ModelWait;
    /// <summary>The image's work outside the model: decode, prepare, mask, compose, encode, write.</summary>
    public TimeSpan ImageWork => ProcessingTime - ModelRun;
    public bool NeedsReview => SubjectCoverage.NeedsReview(ForegroundRatio);
}

/// <summary>What one image's mask produced; Notes are what the decoder did to the input (for -Verbose).</summary>
public sealed record MaskOutcome(string InputPath, AlphaMask Mask, string? MaskPath, TimeSpan Elapsed)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    public TimeSpan ModelWait { get; init; }
    public TimeSpan ModelRun { get; init; }
    /// <summary>The image's work outside the model: decode, prepare, mask, write.</summary>
    public TimeSpan ImageWork => Elapsed - ModelWait - ModelRun;
}
