using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Masks;

/// <summary>
/// Whole-plane filters on 8-bit masks, each linear in the pixel count whatever the radius: box blurs
/// by running sums (three of them make a Gaussian), and grow/shrink by running max/min (van Herk /
/// Gil-Werman) over a square, as PIL's MaxFilter/MinFilter that ComfyUI-RMBG users know.
/// </summary>
public static class MaskFilters
{
    /// <summary>Grows (positive) or shrinks (negative) the subject by <paramref name="pixels"/> in every direction.</summary>
    public static void Offset(byte[] mask, int width, int height, int pixels)
    {
        if (pixels == 0)
            return;
        var grow = pixels > 0;
        var radius = Math.Abs(pixels);
        var temp = new byte[mask.Length];
        RowBlocks.For(height, (y0, y1) =>
        {
            var prefix = new byte[width];
            var suffix = new byte[width];
            for (var y = y0; y < y1; y++)
                RunningExtreme(mask.AsSpan(y * width, width), temp.AsSpan(y * width, width), radius, grow, prefix, suffix);
        });
        VerticalExtreme(temp, mask, width, height, radius, grow);
    }

    /// <summary>A Gaussian blur of standard deviation <paramref name="sigma"/> pixels (three box blurs), for feathered edges.</summary>
    public static void GaussianBlur(byte[] mask, int width, int height, double sigma)
    {
        if (sigma <= 0)
            return;
        var temp = new byte[mask.Length];
        foreach (var radius in BoxRadiiForGaussian(sigma, 3))
        {
            RowBlocks.For(height, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                    HorizontalBox(mask.AsSpan(y * width, width), temp.AsSpan(y * width, width), radius);
            });
            VerticalBox(temp, mask, width, height, radius);
        }
    }

    public static void Invert(byte[] mask)
    {
        foreach (ref var a in mask.AsSpan())
            a = (byte)~a;
    }

    /// <summary>Radii of <paramref name="passes"/> box blurs whose succession approximates a Gaussian (Kovesi's method).</summary>
    internal static int[] BoxRadiiForGaussian(double sigma, int passes)
    {
        var ideal = Math.Sqrt(12 * sigma * sigma / passes + 1);
        var lower = (int)Math.Floor(ideal);
        if (lower % 2 == 0)
            lower--;
        var upper = lower + 2;
        var lowerCount = (int)Math.Round((12 * sigma * sigma - passes * lower * lower - 4 * passes * lower - 3 * passes) / (-4.0 * lower - 4));
        return Enumerable.Range(0, passes).Select(i => (i < lowerCount ? lower : upper) / 2).ToArray();
    }

    private static void HorizontalBox(ReadOnlySpan<byte> source, Span<byte> destination, int radius)
    {
        var width = source.Length;
        // The window is clamped at the edges and averaged over what it covers: no dark or light border.
        var sum = 0;
        var right = Math.Min(radius, width - 1);
        for (var x = 0; x <= right; x++)
            sum += source[x];
        for (var x = 0; x < width; x++)
        {
            var lo = Math.Max(0, x - radius);
            var hi = Math.Min(width - 1, x + radius);
            destination[x] = (byte)((sum + (hi - lo + 1) / 2) / (hi - lo + 1));
            if (x + radius + 1 < width)
                sum += source[x + radius + 1];
            if (x - radius >= 0)
                sum -= source[x - radius];
        }
    }

    private static void VerticalBox(byte[] source, byte[] destination, int width, int height, int radius)
    {
        RowBlocks.ForColumns(width, (x0, x1) =>
        {
            var span = x1 - x0;
            var sums = new int[span];
            for (var y = 0; y <= Math.Min(radius, height - 1); y++)
                AddRow(sums, source.AsSpan(y * width + x0, span), 1);
            for (var y = 0; y < height; y++)
            {
                var count = Math.Min(height - 1, y + radius) - Math.Max(0, y - radius) + 1;
                var row = destination.AsSpan(y * width + x0, span);
                for (var i = 0; i < span; i++)
                    row[i] = (byte)((sums[i] + count / 2) / count);
                if (y + radius + 1 < height)
                    AddRow(sums, source.AsSpan((y + radius + 1) * width + x0, span), 1);
                if (y - radius >= 0)
                    AddRow(sums, source.AsSpan((y - radius) * width + x0, span), -1);
            }
        });
    }

    private static void AddRow(int[] sums, ReadOnlySpan<byte> row, int sign)
    {
        for (var i = 0; i < row.Length; i++)
            sums[i] += sign * row[i];
    }

    /// <summary>Max (or min) over [x - radius, x + radius], clamped: prefix and suffix extremes in blocks of the window's size.</summary>
    private static void RunningExtreme(ReadOnlySpan<byte> source, Span<byte> destination, int radius, bool max, byte[] prefix, byte[] suffix)
    {
        var n = source.Length;
        var block = 2 * radius + 1;
        for (var start = 0; start < n; start += block)
        {
            var end = Math.Min(n, start + block);
            prefix[start] = source[start];
            for (var i = start + 1; i < end; i++)
                prefix[i] = max ? Math.Max(prefix[i - 1], source[i]) : Math.Min(prefix[i - 1], source[i]);
            suffix[end - 1] = source[end - 1];
            for (var i = end - 2; i >= start; i--)
                suffix[i] = max ? Math.Max(suffix[i + 1], source[i]) : Math.Min(suffix[i + 1], source[i]);
        }
        for (var x = 0; x < n; x++)
        {
            var lo = Math.Max(0, x - radius);
            var hi = Math.Min(n - 1, x + radius);
            destination[x] = Window(lo, hi, block, prefix[hi], suffix[lo], max);
        }
    }

    /// <summary>
    /// The extreme over [lo, hi] (at most one window long) from the block-wise prefix and suffix extremes:
    /// across two blocks it is the first's suffix with the second's prefix; within one block the window
    /// starts the block (prefix) or, clamped at the far edge, ends it (suffix).
    /// </summary>
    private static byte Window(int lo, int hi, int block, byte prefixAtHi, byte suffixAtLo, bool max) =>
        lo / block != hi / block ? (max ? Math.Max(suffixAtLo, prefixAtHi) : Math.Min(suffixAtLo, prefixAtHi))
        : lo % block == 0 ? prefixAtHi
        : suffixAtLo;

    /// <summary>The same along columns, on whole rows at a time (vectorised), with prefix/suffix planes.</summary>
    private static void VerticalExtreme(byte[] source, byte[] destination, int width, int height, int radius, bool max)
    {
        var block = 2 * radius + 1;
        var prefix = new byte[source.Length];
        var suffix = new byte[source.Length];
        Span<byte> Row(byte[] plane, int y) => plane.AsSpan(y * width, width);
        void Combine(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> into)
        {
            if (max)
                TensorPrimitives.Max(a, b, into);
            else
                TensorPrimitives.Min(a, b, into);
        }

        for (var start = 0; start < height; start += block)
        {
            var end = Math.Min(height, start + block);
            Row(source, start).CopyTo(Row(prefix, start));
            for (var y = start + 1; y < end; y++)
                Combine(Row(prefix, y - 1), Row(source, y), Row(prefix, y));
            Row(source, end - 1).CopyTo(Row(suffix, end - 1));
            for (var y = end - 2; y >= start; y--)
                Combine(Row(suffix, y + 1), Row(source, y), Row(suffix, y));
        }
        RowBlocks.For(height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
            {
                var lo = Math.Max(0, y - radius);
                var hi = Math.Min(height - 1, y + radius);
                if (lo / block != hi / block)
                    Combine(Row(suffix, lo), Row(prefix, hi), Row(destination, y));
                else
                    (lo % block == 0 ? Row(prefix, hi) : Row(suffix, lo)).CopyTo(Row(destination, y));
            }
        });
    }
}
