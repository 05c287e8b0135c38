namespace RmbgPS.Engine.Imaging;

/// <summary>
/// A decoded picture as straight (unpremultiplied) RGBA, 8 bits a channel, rows packed.
/// Straight alpha so that colour channels stay exact where the source was opaque.
/// </summary>
public sealed class RgbaImage
{
    public RgbaImage(int width, int height, byte[] pixels, bool hasTransparency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length < (long)width * height * 4)
            throw new ArgumentException("The pixel buffer is smaller than width * height * 4.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
        HasTransparency = hasTransparency;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    /// <summary>True when the source had an alpha channel with any pixel below 255.</summary>
    public bool HasTransparency { get; }

    public long PixelCount => (long)Width * Height;

    /// <summary>
    /// The picture's full upright size. Larger than <see cref="Width"/> x <see cref="Height"/> only for an
    /// image decoded reduced for the model (<see cref="ImageDecoder.DecodeReduced"/>).
    /// </summary>
    public int OriginalWidth
    {
        get => originalWidth == 0 ? Width : originalWidth;
        init => originalWidth = value;
    }

    public int OriginalHeight
    {
        get => originalHeight == 0 ? Height : originalHeight;
        init => originalHeight = value;
    }

    public bool IsReduced => OriginalWidth != Width || OriginalHeight != Height;

    private readonly int originalWidth;
    private readonly int originalHeight;

    /// <summary>What decoding did that a user may want to know (-Verbose): orientation applied, colours converted.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>What decoding had to leave out (a warning): the other frames of an animation.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
