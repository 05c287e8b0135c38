using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Reporting;

/// <summary>
/// One image of a review sheet: what an image command made of it. The files are this machine's (a remote node's
/// results carry the paths their outputs were copied back to); a file that is not there shows as missing.
/// </summary>
public sealed record ReviewEntry
{
    /// <summary>The input picture.</summary>
    public required string InputPath { get; init; }
    /// <summary>The written cut-out (Remove-ImageBackground), if any.</summary>
    public string? OutputPath { get; init; }
    /// <summary>The written mask (Get-ImageMask -OutputPath), if any.</summary>
    public string? MaskPath { get; init; }
    /// <summary>The mask itself when no file holds it (<see cref="WithMask"/>), at the thumbnail's size: one byte a pixel.</summary>
    public byte[]? Mask { get; private init; }
    public int MaskWidth { get; private init; }
    public int MaskHeight { get; private init; }
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>The share of the picture kept as subject, 0..1.</summary>
    public double ForegroundRatio { get; init; }
    /// <summary>The subject's box in the input's pixels, if any was kept.</summary>
    public (int X, int Y, int Width, int Height)? Box { get; init; }
    /// <summary>The image's own processing time, when known.</summary>
    public TimeSpan? Time { get; init; }
    /// <summary>The remote node that made it; null for this machine.</summary>
    public string? Node { get; init; }
    public string? Model { get; init; }
    public string? Device { get; init; }

    private readonly bool? needsReview;

    /// <summary>The result's own verdict when it gave one, else the rule the image commands use (<see cref="SubjectCoverage"/>).</summary>
    public bool NeedsReview
    {
        get => needsReview ?? SubjectCoverage.NeedsReview(ForegroundRatio);
        init => needsReview = value;
    }

    public string? ReviewReason => SubjectCoverage.Reason(ForegroundRatio, NeedsReview);

    /// <summary>
    /// This entry with a mask that only a result object holds (Get-ImageMask without -OutputPath), kept at the
    /// thumbnail's size: a whole 12-MP mask is 12 MB, and a sheet may gather thousands.
    /// </summary>
    public ReviewEntry WithMask(byte[] alpha, int width, int height)
    {
        var (gray, reducedWidth, reducedHeight) = Imaging.Thumbnail.ReduceGray(alpha, width, height, ReviewSheet.ThumbnailSize);
        return this with { Mask = gray, MaskWidth = reducedWidth, MaskHeight = reducedHeight };
    }
}

/// <summary>A file an image command could not process: its stable ErrorId and message.</summary>
public sealed record ReviewFailure(string? InputPath, string ErrorId, string Message, string? Node = null);

/// <summary>What a review sheet is for: the page's title and whether it may replace an existing page.</summary>
public sealed record ReviewSheetOptions
{
    public string Title { get; init; } = "RmbgPS review";
    public bool Overwrite { get; init; }
}
