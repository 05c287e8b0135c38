using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// Estimates the subject's own colour where the mask is partly transparent, so hair and fur do not carry
/// a fringe of the old background: "approximate fast foreground colour estimation" by blur fusion
/// (Forte and Pitié, ICIP 2021), two passes as in the reference code (box sizes 90 and 6). Each pass
/// blurs the colour of the subject and of the background separately (weighted by alpha and 1 - alpha)
/// and corrects the blurred subject colour by what the compositing equation I = aF + (1-a)B leaves.
/// Cost: a few box blurs per channel, linear in the pixel count.
/// </summary>
public static class ForegroundEstimator
{
    private const float Epsilon = 1e-5f;
    private const int WideRadius = 45;  // box of 90
    private const int NarrowRadius = 3; // box of 6

    /// <summary>Rows processed at a time: memory stays bounded (about 11 float planes of this height) on any image size.</summary>
    private const int StripRows = 512;

    /// <summary>Rows above and below a strip that its result depends on: the two passes' radii together.</summary>
    private const int Margin = WideRadius + NarrowRadius;

    /// <summary>
    /// Replaces the RGB of <paramref name="rgba"/> (straight RGBA, alpha already final) with the estimated
    /// foreground colour where 0 &lt; alpha &lt; 255; opaque pixels keep their colour exactly. Works on strips
    /// of rows, each cut to the columns where its alpha is soft, with margins wide enough that the result
    /// is the same as on the whole image at once; strips without soft alpha are skipped.
    /// </summary>
    public static void Refine(byte[] rgba, int width, int height)
    {
        float[][]? planes = null;
        // A strip's margins overlap its neighbours' rows, so results are written back one strip late:
        // every strip reads the original pixels.
        (Region Region, byte[] Rgb)? pending = null;
        var buffers = new byte[2][]; // the pending strip's colours and the current one's, swapped
        for (var core = 0; core < height; core += StripRows)
        {
            var coreEnd = Math.Min(height, core + StripRows);
            if (SoftColumns(rgba, width, core, coreEnd) is not { } soft)
                continue;
            var top = Math.Max(0, core - Margin);
            var bottom = Math.Min(height, coreEnd + Margin);
            var left = Math.Max(0, soft.First - Margin);
            var right = Math.Min(width, soft.Last + 1 + Margin);
            planes ??= AllocatePlanes(width * Math.Min(height, StripRows + 2 * Margin));
            var region = new Region(left, top, right - left, bottom - top, core - top, coreEnd - top);
            var result = buffers[0] ??= new byte[StripRows * width * 3];
            RefineRegion(rgba, width, region, planes, result);
            (buffers[0], buffers[1]) = (buffers[1], buffers[0]);
            if (pending is { } previous)
                WriteBack(rgba, width, previous.Region, previous.Rgb);
            pending = (region, result);
        }
        if (pending is { } last)
            WriteBack(rgba, width, last.Region, last.Rgb);
    }

    /// <summary>A rectangle of the image (X, Y, Width, Height) whose rows CoreTop..CoreBottom (relative) are written back.</summary>
    private readonly record struct Region(int X, int Y, int Width, int Height, int CoreTop, int CoreBottom);

    // Exact sizes rather than the shared pool, which rounds a 20 MB request up to 32 MB.
    private static float[][] AllocatePlanes(int size) => Enumerable.Range(0, 11).Select(_ => GC.AllocateUninitializedArray<float>(size)).ToArray();

    /// <summary>The first and last column with 0 &lt; alpha &lt; 255 in rows from..to, or null when there is none.</summary>
    private static (int First, int Last)? SoftColumns(byte[] rgba, int width, int from, int to)
    {
        int first = width, last = -1;
        var rows = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(rgba.AsSpan());
        for (var y = from; y < to; y++)
        {
            var row = rows.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                var a = row[x] >> 24;
                if (a is > 0 and < 255)
                {
                    first = Math.Min(first, x);
                    last = Math.Max(last, x);
                }
            }
        }
        return last < 0 ? null : (first, last);
    }

    /// <summary>Writes the estimated colours of the region's core rows, RGB per pixel, to <paramref name="result"/>.</summary>
    private static void RefineRegion(byte[] rgba, int stride, Region region, float[][] planes, byte[] result)
    {
        var (width, height) = (region.Width, region.Height);
        // Per region: alpha, 1 - alpha, and for each box size the reciprocals of blur(alpha) and blur(1 - alpha).
        var (alpha, inverse, wideSubject, wideBackground, narrowSubject, narrowBackground) = (planes[0], planes[1], planes[2], planes[3], planes[4], planes[5]);
        // Per channel: the image, the estimate, the blurred background, and work planes.
        var (colour, subject, background, work, scratch) = (planes[6], planes[7], planes[8], planes[9], planes[10]);
        int Pixel(int y, int x) => ((region.Y + y) * stride + region.X + x) * 4;

        Resampler.ForEachRowBlock(height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                for (int x = 0, p = Pixel(y, 0), i = y * width; x < width; x++, p += 4, i++)
                {
                    alpha[i] = rgba[p + 3] * (1f / 255f);
                    inverse[i] = 1f - alpha[i];
                }
        });
        Normalisers(alpha, wideSubject, wideBackground, scratch, width, height, WideRadius);
        Normalisers(alpha, narrowSubject, narrowBackground, scratch, width, height, NarrowRadius);

        var coreRows = region.CoreBottom - region.CoreTop;
        for (var c = 0; c < 3; c++)
        {
            var channel = c;
            Resampler.ForEachRowBlock(height, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                    for (int x = 0, p = Pixel(y, 0) + channel, i = y * width; x < width; x++, p += 4, i++)
                        colour[i] = rgba[p] * (1f / 255f);
            });
            // Pass 1: F = B = I with the wide box; pass 2: its F and blurred B with the narrow box.
            Pass(colour, colour, colour, alpha, inverse, wideSubject, wideBackground, subject, background, work, scratch, width, height, WideRadius);
            Pass(colour, subject, background, alpha, inverse, narrowSubject, narrowBackground, subject, background, work, scratch, width, height, NarrowRadius);
            Resampler.ForEachRowBlock(coreRows, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                    for (int x = 0, i = (region.CoreTop + y) * width, o = y * width * 3 + channel; x < width; x++, i++, o += 3)
                        result[o] = (byte)(subject[i] * 255f + 0.5f);
            });
        }
    }

    /// <summary>Writes a region's estimated colours where its alpha is soft; opaque and clear pixels keep theirs.</summary>
    private static void WriteBack(byte[] rgba, int stride, Region region, byte[] rgb)
    {
        Resampler.ForEachRowBlock(region.CoreBottom - region.CoreTop, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                for (int x = 0, p = ((region.Y + region.CoreTop + y) * stride + region.X) * 4, o = y * region.Width * 3; x < region.Width; x++, p += 4, o += 3)
                    if (rgba[p + 3] is > 0 and < 255)
                    {
                        rgba[p] = rgb[o];
                        rgba[p + 1] = rgb[o + 1];
                        rgba[p + 2] = rgb[o + 2];
                    }
        });
    }

    /// <summary>1 / blur(alpha) and 1 / blur(1 - alpha) for one box size (blur(1 - a) = 1 - blur(a)).</summary>
    private static void Normalisers(float[] alpha, float[] subject, float[] background, float[] scratch, int width, int height, int radius)
    {
        BoxBlur.Apply(alpha, subject, scratch, width, height, radius);
        Rows(height, width, (from, to) =>
        {
            for (var i = from; i < to; i++)
            {
                var blurred = subject[i];
                subject[i] = 1f / (blurred + Epsilon);
                background[i] = 1f / (1f - blurred + Epsilon);
            }
        });
    }

    /// <summary>
    /// One blur-fusion step: blurred F = blur(F a) / blur(a), blurred B = blur(B (1-a)) / blur(1-a), and
    /// F' = blurred F + a (I - a blurred F - (1-a) blurred B), clamped to 0..1. Writes F' to
    /// <paramref name="subjectOut"/> and the blurred B to <paramref name="backgroundOut"/>; these may be the
    /// arrays of inputs: each element is read before it is written.
    /// </summary>
    private static void Pass(float[] image, float[] subjectIn, float[] backgroundIn, float[] alpha, float[] inverse,
        float[] subjectNorm, float[] backgroundNorm, float[] subjectOut, float[] backgroundOut, float[] work, float[] scratch,
        int width, int height, int radius)
    {
        var n = width * height;
        TensorPrimitives.Multiply(backgroundIn.AsSpan(0, n), inverse.AsSpan(0, n), work.AsSpan(0, n));
        BoxBlur.Apply(work, work, scratch, width, height, radius);
        TensorPrimitives.Multiply(work.AsSpan(0, n), backgroundNorm.AsSpan(0, n), work.AsSpan(0, n)); // blurred B

        // subjectIn * alpha goes to backgroundOut: the blurred B is safe in work, and backgroundIn was read.
        TensorPrimitives.Multiply(subjectIn.AsSpan(0, n), alpha.AsSpan(0, n), backgroundOut.AsSpan(0, n));
        BoxBlur.Apply(backgroundOut, backgroundOut, scratch, width, height, radius);
        Rows(height, width, (from, to) =>
        {
            for (var i = from; i < to; i++)
            {
                var bf = backgroundOut[i] * subjectNorm[i];
                var bb = work[i];
                var a = alpha[i];
                subjectOut[i] = Math.Clamp(bf + a * (image[i] - a * bf - inverse[i] * bb), 0f, 1f);
                backgroundOut[i] = bb;
            }
        });
    }

    private static void Rows(int height, int width, Action<int, int> body) =>
        Resampler.ForEachRowBlock(height, (y0, y1) => body(y0 * width, y1 * width));
}
