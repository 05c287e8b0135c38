using System.Buffers;
using System.Numerics.Tensors;

namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Separable antialiased resampling over whole planes: a horizontal pass into a float scratch plane,
/// then a vertical pass that is a weighted sum of whole rows (vectorised by TensorPrimitives).
/// Rows are spread over the cores.
/// </summary>
public static class Resampler
{
    /// <summary>
    /// Resizes the RGB channels of <paramref name="source"/> into three planar channels of
    /// <paramref name="destination"/> (channel c at offset c*width*height), each written as
    /// value * scale[c] + bias[c] with value in 0..255, so normalisation costs no extra pass.
    /// </summary>
    public static void RgbaToPlanes(RgbaImage source, int width, int height, float[] destination, float[] scale, float[] bias)
    {
        if (destination.Length < 3L * width * height)
            throw new ArgumentException("The destination is smaller than 3 * width * height.", nameof(destination));
        var across = new AxisWeights(source.Width, width);
        var down = new AxisWeights(source.Height, height);
        // Rented: the scratch planes are tens of megabytes for a large photo, and a batch needs them per image.
        var scratch = new float[3][];
        for (var c = 0; c < 3; c++)
            scratch[c] = ArrayPool<float>.Shared.Rent(checked(source.Height * width));
        try
        {
            var pixels = source.Pixels;
            var sourceWidth = source.Width;
            ForEachRowBlock(source.Height, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                    HorizontalRgb(pixels.AsSpan(y * sourceWidth * 4, sourceWidth * 4), across, scratch, y * width);
            });

            var plane = width * height;
            ForEachRowBlock(height, (y0, y1) =>
            {
                var row = new float[width];
                for (var y = y0; y < y1; y++)
                    for (var c = 0; c < 3; c++)
                    {
                        VerticalRow(scratch[c], width, down, y, row);
                        var target = destination.AsSpan(c * plane + y * width, width);
                        TensorPrimitives.Multiply(row, scale[c], target);
                        TensorPrimitives.Add(target, bias[c], target);
                    }
            });
        }
        finally
        {
            foreach (var channel in scratch)
                ArrayPool<float>.Shared.Return(channel);
        }
    }

    /// <summary>Resizes a plane of values in 0..1 and writes it as bytes 0..255 (clamped, rounded).</summary>
    public static void PlaneToBytes(float[] source, int sourceWidth, int sourceHeight, int width, int height, byte[] destination)
    {
        if (destination.Length < (long)width * height)
            throw new ArgumentException("The destination is smaller than width * height.", nameof(destination));
        var across = new AxisWeights(sourceWidth, width);
        var down = new AxisWeights(sourceHeight, height);
        var scratch = ArrayPool<float>.Shared.Rent(checked(sourceHeight * width));
        try
        {
            ForEachRowBlock(sourceHeight, (y0, y1) =>
            {
                for (var y = y0; y < y1; y++)
                    HorizontalPlane(source.AsSpan(y * sourceWidth, sourceWidth), across, scratch.AsSpan(y * width, width));
            });

            ForEachRowBlock(height, (y0, y1) =>
            {
                var row = new float[width];
                for (var y = y0; y < y1; y++)
                {
                    VerticalRow(scratch, width, down, y, row);
                    ToBytes(row, destination.AsSpan(y * width, width));
                }
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Values in 0..1 to bytes, rounding to nearest.</summary>
    public static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i] * 255f + 0.5f;
            destination[i] = v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
        }
    }

    private static void HorizontalRgb(ReadOnlySpan<byte> row, AxisWeights w, float[][] scratch, int offset)
    {
        var r = scratch[0].AsSpan(offset, w.DestinationSize);
        var g = scratch[1].AsSpan(offset, w.DestinationSize);
        var b = scratch[2].AsSpan(offset, w.DestinationSize);
        var taps = w.TapsPerPixel;
        for (var i = 0; i < w.DestinationSize; i++)
        {
            var start = w.Starts[i];
            var weights = w.Weights.AsSpan(i * taps, w.Counts[i]);
            var px = row.Slice(start * 4, weights.Length * 4);
            float sr = 0, sg = 0, sb = 0;
            for (var k = 0; k < weights.Length; k++)
            {
                var wk = weights[k];
                sr += px[k * 4] * wk;
                sg += px[k * 4 + 1] * wk;
                sb += px[k * 4 + 2] * wk;
            }
            r[i] = sr;
            g[i] = sg;
            b[i] = sb;
        }
    }

    private static void HorizontalPlane(ReadOnlySpan<float> row, AxisWeights w, Span<float> destination)
    {
        var taps = w.TapsPerPixel;
        for (var i = 0; i < w.DestinationSize; i++)
        {
            var weights = w.Weights.AsSpan(i * taps, w.Counts[i]);
            destination[i] = TensorPrimitives.Dot(row.Slice(w.Starts[i], weights.Length), weights);
        }
    }

    private static void VerticalRow(float[] scratch, int width, AxisWeights down, int y, Span<float> row)
    {
        var start = down.Starts[y];
        var weights = down.Weights.AsSpan(y * down.TapsPerPixel, down.Counts[y]);
        TensorPrimitives.Multiply(scratch.AsSpan(start * width, width), weights[0], row);
        for (var k = 1; k < weights.Length; k++)
            TensorPrimitives.MultiplyAdd(scratch.AsSpan((start + k) * width, width), weights[k], row, row);
    }

    /// <summary>Runs the body over bands of columns (for passes that walk down whole columns with row-sized accumulators).</summary>
    internal static void ForEachColumnBlock(int columns, Action<int, int> body) => ForEachRowBlock(columns, body);

    /// <summary>Runs the body over contiguous blocks of rows, a few blocks per core.</summary>
    internal static void ForEachRowBlock(int rows, Action<int, int> body)
    {
        var blocks = Math.Min(rows, Environment.ProcessorCount * 4);
        if (blocks <= 1 || rows < 64 || Pipeline.BatchThread.IsCurrent)
        {
            body(0, rows);
            return;
        }
        Parallel.For(0, blocks, b =>
        {
            var y0 = (int)((long)rows * b / blocks);
            var y1 = (int)((long)rows * (b + 1) / blocks);
            body(y0, y1);
        });
    }
}
