using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>Which model made an outcome, as the results show it.</summary>
public sealed record ModelUsed(string Name, string Profile, string Device, string ExecutionProvider);

/// <summary>What one image of a batch produced; Notes are what the decoder did to the input (for -Verbose).</summary>
public abstract record ImageOutcome(string InputPath, TimeSpan Elapsed)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    public StageTimes Stages { get; init; } = new();
    /// <summary>The model that made it; set by the batch.</summary>
    public ModelUsed? Model { get; init; }
    /// <summary>How long the image waited in the batch for a worker before its work began; set by the batch.</summary>
    public TimeSpan Queued { get; init; }
    /// <summary>Of <see cref="Elapsed"/>, the time spent waiting for the model while it ran other images.</summary>
    public TimeSpan ModelWait => Stages.ModelWait;
    /// <summary>Of <see cref="Elapsed"/>, the model's run itself.</summary>
    public TimeSpan ModelRun => Stages.ModelRun;
    /// <summary>The image's own work: <see cref="Elapsed"/> without <see cref="ModelWait"/>.</summary>
    public TimeSpan ProcessingTime => Elapsed - ModelWait;
    /// <summary>The image's work outside the model: decode, prepare, mask, compose, encode, write.</summary>
    public TimeSpan ImageWork => ProcessingTime - ModelRun;
    /// <summary>Time the image waited in the batch: for a worker, and for the model while it ran other images.</summary>
    public TimeSpan QueueTime => Queued + ModelWait;
    /// <summary>The file written, or null.</summary>
    public abstract string? WrittenPath { get; }
    /// <summary>One line for -Verbose: what was done to the file.</summary>
    public abstract string Describe();

    protected string Decoded => Notes.Count == 0 ? "" : $" ({string.Join("; ", Notes)})";
}

/// <summary>What one image's background removal produced.</summary>
public sealed record RemovalOutcome(string InputPath, string OutputPath, int Width, int Height, double ForegroundRatio, MaskBounds? Bounds, TimeSpan Elapsed)
    : ImageOutcome(InputPath, Elapsed)
{
    public int OutputWidth { get; init; }
    public int OutputHeight { get; init; }
    public OutputFormat Format { get; init; }
    public bool NeedsReview => SubjectCoverage.NeedsReview(ForegroundRatio);
    public override string? WrittenPath => OutputPath;

    public override string Describe() =>
        $"{Path.GetFileName(InputPath)}: {Width}x{Height}{Decoded}, foreground {ForegroundRatio:P1}, {ProcessingTime.TotalMilliseconds:0} ms " +
        $"(and {QueueTime.TotalMilliseconds:0} ms queued) -> '{OutputPath}' ({Format}, {OutputWidth}x{OutputHeight}).";
}

/// <summary>What one image's mask produced.</summary>
public sealed record MaskOutcome(string InputPath, AlphaMask Mask, string? MaskPath, TimeSpan Elapsed) : ImageOutcome(InputPath, Elapsed)
{
    public override string? WrittenPath => MaskPath;

    public override string Describe() =>
        $"{Path.GetFileName(InputPath)}: {Mask.Width}x{Mask.Height}{Decoded}, foreground {Mask.ForegroundRatio:P1}{(MaskPath is null ? "" : $" -> '{MaskPath}'")}.";
}
