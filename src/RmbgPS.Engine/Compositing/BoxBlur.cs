using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// A box blur of a float plane by running sums, linear in the pixel count whatever the radius. The
/// window is clamped at the edges and averaged over what it covers, so borders keep their level.
/// </summary>
internal static class BoxBlur
{
    /// <summary>Blurs <paramref name="source"/> into <paramref name="destination"/> (which may be the same array); <paramref name="scratch"/> is a plane of the same size.</summary>
    public static void Apply(float[] source, float[] destination, float[] scratch, int width, int height, int radius)
    {
        Resampler.ForEachRowBlock(height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                Horizontal(source.AsSpan(y * width, width), scratch.AsSpan(y * width, width), radius);
        });
        Resampler.ForEachColumnBlock(width, (x0, x1) => Vertical(scratch, destination, width, height, radius, x0, x1));
    }

    private static void Horizontal(ReadOnlySpan<float> source, Span<float> destination, int radius)
    {
        var width = source.Length;
        double sum = 0;
        for (var x = 0; x <= Math.Min(radius, width - 1); x++)
            sum += source[x];
        for (var x = 0; x < width; x++)
        {
            var count = Math.Min(width - 1, x + radius) - Math.Max(0, x - radius) + 1;
            destination[x] = (float)(sum / count);
            if (x + radius + 1 < width)
                sum += source[x + radius + 1];
            if (x - radius >= 0)
                sum -= source[x - radius];
        }
    }

    private static void Vertical(float[] source, float[] destination, int width, int height, int radius, int x0, int x1)
    {
        var span = x1 - x0;
        var sums = new double[span];
        for (var y = 0; y <= Math.Min(radius, height - 1); y++)
            Accumulate(sums, source.AsSpan(y * width + x0, span), 1);
        for (var y = 0; y < height; y++)
        {
            var scale = 1.0 / (Math.Min(height - 1, y + radius) - Math.Max(0, y - radius) + 1);
            var row = destination.AsSpan(y * width + x0, span);
            for (var i = 0; i < span; i++)
                row[i] = (float)(sums[i] * scale);
            if (y + radius + 1 < height)
                Accumulate(sums, source.AsSpan((y + radius + 1) * width + x0, span), 1);
            if (y - radius >= 0)
                Accumulate(sums, source.AsSpan((y - radius) * width + x0, span), -1);
        }
    }

    private static void Accumulate(double[] sums, ReadOnlySpan<float> row, int sign)
    {
        for (var i = 0; i < row.Length; i++)
            sums[i] += sign * row[i];
    }
}
