using System.Numerics.Tensors;
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
        RowBlocks.For(height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
                Horizontal(source.AsSpan(y * width, width), scratch.AsSpan(y * width, width), radius);
        });
        RowBlocks.ForColumns(width, (x0, x1) => Vertical(scratch, destination, width, height, radius, x0, x1));
    }

    private static void Horizontal(ReadOnlySpan<float> source, Span<float> destination, int radius)
    {
        var width = source.Length;
        if (2 * radius + 1 >= width)
        {
            HorizontalClamped(source, destination, radius, 0, width);
            return;
        }
        // Edges with clamped windows; the middle with a full window and one reciprocal, no bounds checks.
        HorizontalClamped(source, destination, radius, 0, radius + 1);
        var sum = 0f;
        for (var x = 0; x <= 2 * radius; x++)
            sum += source[x];
        var scale = 1f / (2 * radius + 1);
        for (var x = radius + 1; x < width - radius; x++)
        {
            sum += source[x + radius] - source[x - radius - 1];
            destination[x] = sum * scale;
        }
        HorizontalClamped(source, destination, radius, width - radius, width);
    }

    private static void HorizontalClamped(ReadOnlySpan<float> source, Span<float> destination, int radius, int from, int to)
    {
        var width = source.Length;
        for (var x = from; x < to; x++)
        {
            var lo = Math.Max(0, x - radius);
            var hi = Math.Min(width - 1, x + radius);
            var sum = 0f;
            for (var k = lo; k <= hi; k++)
                sum += source[k];
            destination[x] = sum / (hi - lo + 1);
        }
    }

    private static void Vertical(float[] source, float[] destination, int width, int height, int radius, int x0, int x1)
    {
        // Float running sums over whole row spans (vectorised); the drift of adding and removing rows
        // stays far below a 1/255 level for the window sizes used here.
        var span = x1 - x0;
        var sums = new float[span];
        for (var y = 0; y <= Math.Min(radius, height - 1); y++)
            TensorPrimitives.Add(sums, source.AsSpan(y * width + x0, span), sums);
        for (var y = 0; y < height; y++)
        {
            var scale = 1f / (Math.Min(height - 1, y + radius) - Math.Max(0, y - radius) + 1);
            var entering = y + radius + 1 < height ? source.AsSpan((y + radius + 1) * width + x0, span) : default;
            var leaving = y - radius >= 0 ? source.AsSpan((y - radius) * width + x0, span) : default;
            TensorPrimitives.Multiply(sums, scale, destination.AsSpan(y * width + x0, span));
            if (!entering.IsEmpty)
                TensorPrimitives.Add(sums, entering, sums);
            if (!leaving.IsEmpty)
                TensorPrimitives.Subtract(sums, leaving, sums);
        }
    }
}
