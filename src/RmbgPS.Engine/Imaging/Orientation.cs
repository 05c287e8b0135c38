using System.Runtime.InteropServices;
using SkiaSharp;

namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Turns pixels stored in an EXIF orientation into the way viewers show them (phones store portraits
/// sideways with a tag), so the mask, the cut-out and their sizes match what the user sees.
/// </summary>
public static class Orientation
{
    /// <summary>True when turning the picture upright swaps its width and height (a quarter turn, with or without a flip).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The upright pixels and size; the same buffer when the origin is already top-left.</summary>
    public static (byte[] Pixels, int Width, int Height) ToUpright(byte[] pixels, int width, int height, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
            return (pixels, width, height);
        var (outWidth, outHeight) = SwapsAxes(origin) ? (height, width) : (width, height);
        // The source index is affine in the output's x and y: start + x * stepX + y * stepY.
        long w = width, last = (long)(height - 1) * width;
        var (start, stepX, stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (w - 1, -1L, w),
            SKEncodedOrigin.BottomRight => (last + w - 1, -1L, -w),
            SKEncodedOrigin.BottomLeft => (last, 1L, -w),
            SKEncodedOrigin.LeftTop => (0L, w, 1L),
            SKEncodedOrigin.RightTop => (last, -w, 1L),
            SKEncodedOrigin.RightBottom => (last + w - 1, -w, -1L),
            _ => (w - 1, w, -1L), // LeftBottom
        };
        var result = new byte[pixels.Length];
        RowBlocks.For(outHeight, (y0, y1) =>
        {
            var src = MemoryMarshal.Cast<byte, uint>(pixels.AsSpan());
            var dst = MemoryMarshal.Cast<byte, uint>(result.AsSpan());
            for (var y = y0; y < y1; y++)
            {
                var row = dst.Slice(y * outWidth, outWidth);
                var index = start + y * stepY;
                for (var x = 0; x < outWidth; x++, index += stepX)
                    row[x] = src[(int)index];
            }
        });
        return (result, outWidth, outHeight);
    }

    public static string Describe(SKEncodedOrigin origin) => origin switch
    {
        SKEncodedOrigin.TopRight => "mirrored",
        SKEncodedOrigin.BottomRight => "rotated 180°",
        SKEncodedOrigin.BottomLeft => "flipped vertically",
        SKEncodedOrigin.LeftTop => "transposed",
        SKEncodedOrigin.RightTop => "rotated 90° clockwise",
        SKEncodedOrigin.RightBottom => "transversed",
        SKEncodedOrigin.LeftBottom => "rotated 90° counter-clockwise",
        _ => "as stored",
    };
}
