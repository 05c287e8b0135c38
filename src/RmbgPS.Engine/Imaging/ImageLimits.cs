namespace RmbgPS.Engine.Imaging;

/// <summary>How large a picture the module reads or writes.</summary>
public static class ImageLimits
{
    /// <summary>
    /// 100 megapixels: a 400 MB RGBA buffer plus the mask, beyond which a batch on an ordinary machine
    /// would risk running out of memory. Callers can raise it.
    /// </summary>
    public const long DefaultMaxPixels = 100_000_000;
    public const double DefaultMegapixels = DefaultMaxPixels / 1e6;
    /// <summary>The most that can be asked for: 500 MP of RGBA is the largest buffer .NET can hold (2 GB).</summary>
    public const double MaxMegapixels = 500;
    public const double MinMegapixels = 0.01;

    public static long PixelsOf(double megapixels) => (long)(megapixels * 1e6);
}
