using SkiaSharp;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Small pictures of a file for a page a person looks through (the review sheet): at most <c>longSide</c> pixels on the
/// long side, never enlarged. A JPEG is read at 1/2, 1/4 or 1/8 scale by its codec, so a 12-MP photo costs a fraction of
/// a full decode; the rest is reduced by Skia with mipmaps, alpha kept straight.
/// </summary>
public static class Thumbnail
{
    /// <summary>A file's picture reduced to <paramref name="longSide"/> (decoding refuses what the image cmdlets refuse).</summary>
    public static RgbaImage Of(string path, int longSide) =>
        Reduce(ImageDecoder.DecodeReduced(path, ImageLimits.PixelsOf(ImageLimits.MaxMegapixels), longSide, longSide), longSide);

    /// <summary>A picture's alpha as an opaque grey picture (white is kept), the way a mask is shown.</summary>
    public static RgbaImage AlphaAsGrey(RgbaImage image)
    {
        var alpha = new byte[image.Width * image.Height];
        for (var i = 0; i < alpha.Length; i++)
            alpha[i] = image.Pixels[i * 4 + 3];
        return Grey(alpha, image.Width, image.Height);
    }

    /// <summary>A grey mask of one byte a pixel reduced to <paramref name="longSide"/> (one already that small is returned as it is).</summary>
    public static (byte[] Gray, int Width, int Height) ReduceGray(byte[] alpha, int width, int height, int longSide)
    {
        var (thumbWidth, thumbHeight) = SizeFor(width, height, longSide);
        if (thumbWidth == width && thumbHeight == height)
            return (alpha, width, height);
        var reduced = new byte[thumbWidth * thumbHeight];
        Scale(alpha, new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), reduced, new SKImageInfo(thumbWidth, thumbHeight, SKColorType.Gray8, SKAlphaType.Opaque));
        return (reduced, thumbWidth, thumbHeight);
    }

    /// <summary>A grey mask of one byte a pixel reduced to <paramref name="longSide"/>, as an opaque picture.</summary>
    public static RgbaImage OfMask(byte[] alpha, int width, int height, int longSide)
    {
        var (reduced, thumbWidth, thumbHeight) = ReduceGray(alpha, width, height, longSide);
        return Grey(reduced, thumbWidth, thumbHeight);
    }

    private static RgbaImage Grey(byte[] gray, int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (int i = 0, o = 0; i < width * height; i++, o += 4)
        {
            pixels[o] = pixels[o + 1] = pixels[o + 2] = gray[i];
            pixels[o + 3] = 255;
        }
        return new RgbaImage(width, height, pixels, hasTransparency: false);
    }

    /// <summary>A picture reduced to <paramref name="longSide"/>; one already that small is returned as it is.</summary>
    public static RgbaImage Reduce(RgbaImage image, int longSide)
    {
        var (width, height) = SizeFor(image.Width, image.Height, longSide);
        if (width == image.Width && height == image.Height)
            return image;
        var pixels = new byte[width * height * 4];
        Scale(image.Pixels, new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
            pixels, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        return new RgbaImage(width, height, pixels, image.HasTransparency);
    }

    /// <summary>The size that fits <paramref name="longSide"/> with the picture's proportions, at least one pixel a side.</summary>
    public static (int Width, int Height) SizeFor(int width, int height, int longSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longSide);
        var scale = Math.Min(1.0, (double)longSide / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static unsafe void Scale(byte[] source, SKImageInfo sourceInfo, byte[] destination, SKImageInfo destinationInfo)
    {
        NativeLibraries.EnsureRegistered();
        fixed (byte* from = source)
        fixed (byte* to = destination)
        {
            using var input = new SKPixmap(sourceInfo, (IntPtr)from, sourceInfo.RowBytes);
            using var output = new SKPixmap(destinationInfo, (IntPtr)to, destinationInfo.RowBytes);
            // Mipmaps average every source pixel at any reduction; a plain bilinear tap would alias a 16x reduction.
            if (!input.ScalePixels(output, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
                throw new InvalidOperationException($"Skia could not reduce a {sourceInfo.Width}x{sourceInfo.Height} picture to {destinationInfo.Width}x{destinationInfo.Height}.");
        }
    }
}
