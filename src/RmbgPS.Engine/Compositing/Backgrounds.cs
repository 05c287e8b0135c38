using RmbgPS.Engine.Imaging;
using SkiaSharp;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Compositing;

/// <summary>Puts a cut-out over a colour or a picture ("over" in straight alpha).</summary>
public static class Backgrounds
{
    public static RgbaImage OverColour(RgbaImage cut, BackgroundColor colour)
    {
        var pixels = cut.Pixels;
        RowBlocks.For(cut.Height, (y0, y1) =>
        {
            var row = cut.Width * 4;
            for (var i = y0 * row; i < y1 * row; i += 4)
                Over(pixels.AsSpan(i, 4), colour.R, colour.G, colour.B, colour.A);
        });
        return new RgbaImage(cut.Width, cut.Height, pixels, hasTransparency: !colour.IsOpaque);
    }

    /// <summary>Over a picture scaled (antialiased) to cover the cut-out's frame, centred, the overflow cut off.</summary>
    public static RgbaImage OverPicture(RgbaImage cut, BackgroundPicture background)
    {
        var back = background.CoverFor(cut.Width, cut.Height);
        var pixels = cut.Pixels;
        RowBlocks.For(cut.Height, (y0, y1) =>
        {
            var row = cut.Width * 4;
            for (var i = y0 * row; i < y1 * row; i += 4)
                Over(pixels.AsSpan(i, 4), back[i], back[i + 1], back[i + 2], back[i + 3]);
        });
        return new RgbaImage(cut.Width, cut.Height, pixels, hasTransparency: background.Picture.HasTransparency);
    }

    /// <summary>Straight-alpha "over": the cut-out's pixel (in place) over a background pixel.</summary>
    private static void Over(Span<byte> px, byte r, byte g, byte b, byte backAlpha)
    {
        var a = px[3];
        if (a == 255)
            return;
        if (backAlpha == 255)
        {
            var inv = 255 - a;
            px[0] = (byte)((px[0] * a + r * inv + 127) / 255);
            px[1] = (byte)((px[1] * a + g * inv + 127) / 255);
            px[2] = (byte)((px[2] * a + b * inv + 127) / 255);
            px[3] = 255;
            return;
        }
        // Both partly transparent: weights a and backAlpha (1 - a), renormalised by the result's alpha;
        // everything below is scaled by 255 * 255.
        var wb = backAlpha * (255 - a);
        var total = a * 255 + wb;
        if (total == 0)
        {
            px[0] = px[1] = px[2] = px[3] = 0;
            return;
        }
        px[0] = (byte)((px[0] * a * 255 + r * wb + total / 2) / total);
        px[1] = (byte)((px[1] * a * 255 + g * wb + total / 2) / total);
        px[2] = (byte)((px[2] * a * 255 + b * wb + total / 2) / total);
        px[3] = (byte)((total + 127) / 255);
    }

    internal static byte[] ScaleToCover(RgbaImage picture, int width, int height)
    {
        NativeLibraries.EnsureRegistered();
        var scale = Math.Max((double)width / picture.Width, (double)height / picture.Height);
        var sourceWidth = width / scale;
        var sourceHeight = height / scale;
        var source = SKRect.Create((float)((picture.Width - sourceWidth) / 2), (float)((picture.Height - sourceHeight) / 2), (float)sourceWidth, (float)sourceHeight);
        var result = new byte[(long)width * height * 4];
        unsafe
        {
            fixed (byte* src = picture.Pixels)
            fixed (byte* dst = result)
            {
                using var input = SKImage.FromPixels(new SKImageInfo(picture.Width, picture.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), (IntPtr)src, picture.Width * 4);
                var premul = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
                using var surface = SKSurface.Create(premul);
                using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
                surface.Canvas.DrawImage(input, source, SKRect.Create(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell), paint);
                using var pixmap = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), (IntPtr)dst, width * 4);
                if (!surface.ReadPixels(pixmap.Info, pixmap.GetPixels(), pixmap.RowBytes, 0, 0))
                    throw new InvalidOperationException("Skia could not read back the scaled background.");
            }
        }
        return result;
    }
}
