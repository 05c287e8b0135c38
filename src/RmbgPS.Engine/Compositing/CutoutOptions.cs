using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>How the subject's own colour is estimated in semi-transparent pixels.</summary>
public enum ForegroundMethod
{
    /// <summary>Blur fusion (Forte and Pitié, 2021), as BiRefNet's repository ships it: fast, a little fringe left on strong colours.</summary>
    BlurFusion,
    /// <summary>Multi-level estimation (Germer et al., 2020; pymatting's estimate_foreground_ml): less fringe, more work.</summary>
    MultiLevel,
}

/// <summary>How a mask and an image become the written picture.</summary>
public sealed record CutoutOptions
{
    public const int DefaultQuality = 90;
    public const int MinQuality = 1;
    public const int MaxQuality = 100;
    /// <summary>The widest margin around a cropped subject.</summary>
    public const int MaxPadding = 10_000;

    /// <summary>
    /// How the subject's own colour (the foreground) is estimated in semi-transparent pixels, so no fringe of the old
    /// background shows; null estimates nothing. Multi-level by default: on the known composite it leaves 10.7 to 13.5
    /// levels of error against blur fusion's 15.5 to 24.5 and half the green fringe, and at 12 MP on one core (as a
    /// batch's workers run) it took 729 ms against blur fusion's 841 (2026-12-03).
    /// </summary>
    public ForegroundMethod? Foreground { get; init; } = ForegroundMethod.MultiLevel;

    /// <summary>Composite onto this colour.</summary>
    public BackgroundColor? BackgroundColor { get; init; }

    /// <summary>Composite onto this picture, scaled to cover the output (decoded once by the caller, shared by a batch).</summary>
    public BackgroundPicture? BackgroundPicture { get; init; }

    /// <summary>
    /// Crop to the subject and its soft edge (<see cref="Masks.AlphaMask.CropBounds"/>), with <see cref="Padding"/>
    /// pixels around it.
    /// </summary>
    public bool Crop { get; init; }

    /// <summary>Margin around the cropped subject, as far as the picture's edges (see <see cref="PadBeyondFrame"/>).</summary>
    public int Padding { get; init; }

    /// <summary>
    /// Let the padding extend past the picture's edges (filled like any background), so a subject that touches an edge
    /// still gets its whole margin. Off, a crop never makes a picture larger than it was.
    /// </summary>
    public bool PadBeyondFrame { get; init; }

    public OutputFormat Format { get; init; } = OutputFormat.Png;

    /// <summary>1..100 for the lossy formats; WebP at 100 is lossless.</summary>
    public int Quality { get; init; } = DefaultQuality;

    /// <summary>True when every pixel of the result is opaque (so JPEG can hold it): the picture goes over the colour.</summary>
    public bool HasOpaqueBackground => BackgroundColor is { IsOpaque: true } || BackgroundPicture is { Picture.HasTransparency: false };

    public static CutoutOptions Default { get; } = new();
}
