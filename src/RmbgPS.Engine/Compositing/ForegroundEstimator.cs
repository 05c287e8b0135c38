using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// Estimates the subject's own colour where the mask is partly transparent, so hair and fur do not carry
/// a fringe of the old background, by one of two methods (<see cref="ForegroundMethod"/>):
/// multi-level estimation (<see cref="MultiLevelSolver"/>, the default), or "approximate fast foreground colour
/// estimation" by blur fusion (Forte and Pitié, ICIP 2021), two passes as in the reference code (box sizes 90 and 6).
/// Each blur-fusion pass blurs the colour of the subject and of the background separately (weighted by alpha and
/// 1 - alpha) and corrects the blurred subject colour by what the compositing equation I = aF + (1-a)B leaves; the wide
/// pass runs at a quarter of the resolution (<see cref="WideEstimate"/>), the narrow one at full resolution, only
/// where alpha is soft. Both work on strips of rows, in regions around the soft columns, with bounded memory.
/// </summary>
public static class ForegroundEstimator
{
    private const float Epsilon = 1e-5f;
    private const int NarrowRadius = 3; // box of 6

    /// <summary>Rows processed at a time: memory stays bounded (six float planes of this height) on any image size.</summary>
    private const int StripRows = 256;

    /// <summary>Rows and columns around a strip that its result depends on: the narrow pass's radius.</summary>
    private const int Margin = NarrowRadius;

    /// <summary>
    /// The context the multi-level method sees around a soft region: its coarse levels carry colour from this far. On the
    /// known composite, 32 and 128 gave the same error against the true colours as 64 (10.7 to 11.6 levels); 64 is the
    /// best of them for the memory (384 rows of the image's width, 60 bytes a pixel).
    /// </summary>
    private const int MultiLevelMargin = 64;

    /// <summary>Soft column runs closer than this are done as one region: a region's own cost outweighs a few columns.</summary>
    private const int MergeGap = 16;

    /// <summary>
    /// Replaces the RGB of <paramref name="rgba"/> (straight RGBA, alpha already final) with the estimated
    /// foreground colour where 0 &lt; alpha &lt; 255; opaque pixels keep their colour exactly. Works on strips
    /// of rows, each cut into regions around its runs of columns with soft alpha (a subject's left and right
    /// edges, not the opaque body between them); strips without soft alpha are skipped. For blur fusion the margins
    /// make the result the same as on the whole image at once. The multi-level method builds its pyramid per region,
    /// so its values depend a little on the cut (3.5 levels on average in the tests) but not its error against the true
    /// colours; seams between strips are what its 64-row context is for.
    /// </summary>
    public static void Refine(byte[] rgba, int width, int height, ForegroundMethod method)
    {
        var margin = method == ForegroundMethod.MultiLevel ? MultiLevelMargin : Margin;
        float[][]? planes = null;
        WideEstimate? wide = null;
        MultiLevelSolver? solver = null;
        // A strip's margins overlap its neighbours' rows, so results are written back one strip late: every
        // strip reads the original pixels. Regions of one strip do not overlap (runs closer than two margins are
        // joined), so they only wait for the next strip.
        var pending = new List<(Region Region, int Offset)>();
        var current = new List<(Region Region, int Offset)>();
        var buffers = new byte[2][]; // the pending strip's colours and the current one's, swapped
        var softColumns = new bool[width];
        for (var core = 0; core < height; core += StripRows)
        {
            var coreEnd = Math.Min(height, core + StripRows);
            var offset = 0;
            // Runs closer than two margins are one region, so regions never overlap and their widths fit the result buffer.
            foreach (var (first, last) in SoftRuns(rgba, width, core, coreEnd, softColumns, Math.Max(MergeGap, 2 * margin)))
            {
                var top = Math.Max(0, core - margin);
                var bottom = Math.Min(height, coreEnd + margin);
                var left = Math.Max(0, first - margin);
                var right = Math.Min(width, last + 1 + margin);
                var region = new Region(left, top, right - left, bottom - top, core - top, coreEnd - top);
                var result = buffers[0] ??= new byte[StripRows * width * 3]; // regions' widths never add up to more than the image's
                if (method == ForegroundMethod.MultiLevel)
                {
                    solver ??= MultiLevelSolver.Rent(width * Math.Min(height, StripRows + 2 * margin));
                    SolveRegion(rgba, width, region, solver, result, offset);
                }
                else
                {
                    planes ??= AllocatePlanes(width * Math.Min(height, StripRows + 2 * Margin));
                    wide ??= WideEstimate.Compute(rgba, width, height); // read before any write-back: original colours
                    RefineRegion(rgba, width, region, wide, planes, result, offset);
                }
                current.Add((region, offset));
                offset += (coreEnd - core) * region.Width * 3;
            }
            if (current.Count == 0 && pending.Count == 0)
                continue;
            foreach (var (region, at) in pending)
                WriteBack(rgba, width, region, buffers[1], at);
            (buffers[0], buffers[1]) = (buffers[1], buffers[0]);
            (pending, current) = (current, pending);
            current.Clear();
        }
        foreach (var (region, at) in pending)
            WriteBack(rgba, width, region, buffers[1], at);
        if (solver is not null) // not given back when a region fails: dropped with its image instead
            MultiLevelSolver.Return(solver);
    }

    /// <summary>A rectangle of the image (X, Y, Width, Height) whose rows CoreTop..CoreBottom (relative) are written back.</summary>
    private readonly record struct Region(int X, int Y, int Width, int Height, int CoreTop, int CoreBottom);

    // Exact sizes rather than the shared pool, which rounds a 20 MB request up to 32 MB.
    private static float[][] AllocatePlanes(int size) => Enumerable.Range(0, 6).Select(_ => GC.AllocateUninitializedArray<float>(size)).ToArray();

    /// <summary>The runs of columns (first, last) with 0 &lt; alpha &lt; 255 somewhere in rows from..to, runs closer than <paramref name="mergeGap"/> joined.</summary>
    private static List<(int First, int Last)> SoftRuns(byte[] rgba, int width, int from, int to, bool[] soft, int mergeGap)
    {
        Array.Clear(soft);
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(rgba.AsSpan());
        for (var y = from; y < to; y++)
        {
            var row = words.Slice(y * width, width);
            for (var x = 0; x < row.Length; x++)
                if (row[x] - 0x01000000u < 0xFE000000u) // alpha (the top byte) in 1..254
                    soft[x] = true;
        }
        var runs = new List<(int First, int Last)>();
        for (var x = 0; x < width; x++)
        {
            if (!soft[x])
                continue;
            if (runs.Count > 0 && x - runs[^1].Last <= mergeGap)
                runs[^1] = (runs[^1].First, x);
            else
                runs.Add((x, x));
        }
        return runs;
    }

    /// <summary>Writes the estimated colours of the region's core rows, RGB per pixel, to <paramref name="result"/>.</summary>
    private static void RefineRegion(byte[] rgba, int stride, Region region, WideEstimate wide, float[][] planes, byte[] result, int resultOffset)
    {
        var (width, height) = (region.Width, region.Height);
        // Per region: alpha and the reciprocals of blur(alpha) and blur(1 - alpha); per channel: the two
        // products the narrow pass blurs, and a scratch plane.
        var (alpha, subjectNorm, backgroundNorm, subject, background, scratch) = (planes[0], planes[1], planes[2], planes[3], planes[4], planes[5]);
        int Pixel(int y, int x) => ((region.Y + y) * stride + region.X + x) * 4;

        RowBlocks.For(height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                for (int x = 0, p = Pixel(y, 0), i = y * width; x < width; x++, p += 4, i++)
                    alpha[i] = rgba[p + 3] * (1f / 255f);
        });
        Normalisers(alpha, subjectNorm, backgroundNorm, scratch, width, height, NarrowRadius);

        var coreRows = region.CoreBottom - region.CoreTop;
        for (var c = 0; c < 3; c++)
        {
            var channel = c;
            // Pass 1's result from the wide estimate: F1 = bF + a (I - a bF - (1-a) bB); pass 2 blurs F1 a and bB (1-a).
            RowBlocks.For(height, (y0, y1) =>
            {
                var (wideSubject, wideBackground) = (new float[width], new float[width]);
                for (var y = y0; y < y1; y++)
                {
                    wide.SampleRow(channel, region.Y + y, region.X, wideSubject, wideBackground);
                    for (int x = 0, p = Pixel(y, 0) + channel, i = y * width; x < width; x++, p += 4, i++)
                    {
                        var a = alpha[i];
                        var (bf, bb) = (wideSubject[x], wideBackground[x]);
                        var f = Math.Clamp(bf + a * (rgba[p] * (1f / 255f) - a * bf - (1f - a) * bb), 0f, 1f);
                        subject[i] = f * a;
                        background[i] = bb * (1f - a);
                    }
                }
            });
            BoxBlur.Apply(subject, subject, scratch, width, height, NarrowRadius);
            BoxBlur.Apply(background, background, scratch, width, height, NarrowRadius);
            RowBlocks.For(coreRows, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                {
                    var row = region.CoreTop + y;
                    for (int x = 0, p = Pixel(row, 0) + channel, i = row * width, o = resultOffset + y * width * 3 + channel; x < width; x++, p += 4, i++, o += 3)
                    {
                        var a = alpha[i];
                        var bf = subject[i] * subjectNorm[i];
                        var bb = background[i] * backgroundNorm[i];
                        var f = Math.Clamp(bf + a * (rgba[p] * (1f / 255f) - a * bf - (1f - a) * bb), 0f, 1f);
                        result[o] = (byte)(f * 255f + 0.5f);
                    }
                }
            });
        }
    }

    /// <summary>The multi-level estimate of a region (its margins included), its core rows' colours to <paramref name="result"/>.</summary>
    private static void SolveRegion(byte[] rgba, int stride, Region region, MultiLevelSolver solver, byte[] result, int resultOffset)
    {
        var (width, image, alpha) = (region.Width, solver.Image, solver.Alpha);
        RowBlocks.For(region.Height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                for (int x = 0, p = ((region.Y + y) * stride + region.X) * 4, i = y * width; x < width; x++, p += 4, i++)
                {
                    image[i * 3] = rgba[p] * (1f / 255f);
                    image[i * 3 + 1] = rgba[p + 1] * (1f / 255f);
                    image[i * 3 + 2] = rgba[p + 2] * (1f / 255f);
                    alpha[i] = rgba[p + 3] * (1f / 255f);
                }
        });
        solver.Solve(width, region.Height);
        var foreground = solver.Foreground;
        RowBlocks.For(region.CoreBottom - region.CoreTop, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
            {
                var from = (region.CoreTop + y) * width * 3;
                var to = resultOffset + y * width * 3;
                for (var k = 0; k < width * 3; k++)
                    result[to + k] = (byte)(foreground[from + k] * 255f + 0.5f);
            }
        });
    }

    /// <summary>Writes a region's estimated colours where its alpha is soft; opaque and clear pixels keep theirs.</summary>
    private static void WriteBack(byte[] rgba, int stride, Region region, byte[] rgb, int offset)
    {
        RowBlocks.For(region.CoreBottom - region.CoreTop, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                for (int x = 0, p = ((region.Y + region.CoreTop + y) * stride + region.X) * 4, o = offset + y * region.Width * 3; x < region.Width; x++, p += 4, o += 3)
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

    private static void Rows(int height, int width, Action<int, int> body) =>
        RowBlocks.For(height, (y0, y1) => body(y0 * width, y1 * width));
}
