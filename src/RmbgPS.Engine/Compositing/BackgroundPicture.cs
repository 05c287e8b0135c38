using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// A picture to composite onto, decoded once per batch. Its scaled copy for the last output size is kept,
/// so a batch of same-sized photos scales it once.
/// </summary>
public sealed class BackgroundPicture(RgbaImage picture, string? sourcePath = null)
{
    /// <summary>Decodes the picture once for a whole batch; its file is then never written over (OutputIsInput).</summary>
    public static BackgroundPicture Load(string path, long maxPixels) => new(ImageDecoder.Decode(path, maxPixels), Path.GetFullPath(path));

    /// <summary>The file the picture came from, when it came from one.</summary>
    public string? SourcePath { get; } = sourcePath;

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
