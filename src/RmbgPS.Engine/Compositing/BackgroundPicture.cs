using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// A picture to composite onto, decoded once per batch. Its scaled copy for the last output size is kept,
/// so a batch of same-sized photos scales it once.
/// </summary>
public sealed class BackgroundPicture(RgbaImage picture)
{
    private readonly object gate = new();
    private (int Width, int Height, byte[] Pixels)? last;

    public RgbaImage Picture { get; } = picture;

    /// <summary>The picture scaled to cover width x height, centred (straight RGBA; callers only read it).</summary>
    public byte[] CoverFor(int width, int height)
    {
        lock (gate)
        {
            if (last is { } cached && cached.Width == width && cached.Height == height)
                return cached.Pixels;
        }
        var pixels = Backgrounds.ScaleToCover(Picture, width, height);
        lock (gate)
            last = (width, height, pixels);
        return pixels;
    }
}
