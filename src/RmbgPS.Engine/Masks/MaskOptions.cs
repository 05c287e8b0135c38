namespace RmbgPS.Engine.Masks;

/// <summary>How a model's probabilities become the final alpha mask.</summary>
public sealed record MaskOptions
{
    /// <summary>The widest feather and the largest grow or shrink, in pixels.</summary>
    public const double MaxBlur = 500;
    public const int MaxOffset = 500;

    /// <summary>When set (0..1), a hard mask: alpha is 255 where the probability reaches it, else 0.</summary>
    public float? Threshold { get; init; }

    /// <summary>
    /// Stretch the probabilities to span 0..1 before resizing (per image). Off by default: a calibrated
    /// model's output already is the alpha, and stretching turns a faint background into a grey one.
    /// </summary>
    public bool Normalize { get; init; }

    /// <summary>Grows (positive) or shrinks (negative) the subject by this many pixels, after the threshold.</summary>
    public int Offset { get; init; }

    /// <summary>Feathers the mask: a Gaussian blur of this standard deviation in pixels, after the offset.</summary>
    public double Blur { get; init; }

    /// <summary>Keeps the background instead of the subject (applied last).</summary>
    public bool Invert { get; init; }

    /// <summary>These options without the shaping that comes after the mask is made (threshold, offset, blur, invert).</summary>
    public MaskOptions Unshaped => this with { Threshold = null, Offset = 0, Blur = 0, Invert = false };

    public static MaskOptions Default { get; } = new();
}
