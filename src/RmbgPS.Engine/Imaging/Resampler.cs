using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Separable antialiased resampling: output rows are made in bands, each band resampling across only the
/// source rows it reads into a small scratch and then summing those rows down (vectorised by
/// TensorPrimitives). No whole-image intermediate plane exists, so a 12-megapixel photo needs a few
/// megabytes of scratch, not tens. Row blocks are spread over the cores.
/// </summary>
public static class Resampler
{
    // Output rows per band: large enough that re-reading the source rows two bands share costs a few
    // per cent, small enough that a band's scratch stays within the cache-sized megabytes.
    private const int BandRows = 64;

    private delegate void AcrossRow(int sourceRow, float[][] scratch, int offset);
    private delegate void WriteRow(int row, int channel, ReadOnlySpan<float> values);

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
        var pixels = source.Pixels;
        var sourceWidth = source.Width;
        var plane = width * height;
        Banded(new AxisWeights(source.Height, height), width, 3,
            (y, scratch, offset) => HorizontalRgb(pixels.AsSpan(y * sourceWidth * 4, sourceWidth * 4), across, scratch, offset),
            (y, c, row) =>
            {
                var target = destination.AsSpan(c * plane + y * width, width);
                TensorPrimitives.Multiply(row, scale[c], target);
                TensorPrimitives.Add(target, bias[c], target);
            });
    }

    /// <summary>Resizes a plane of values in 0..1 and writes it as bytes 0..255 (clamped, rounded).</summary>
    public static void PlaneToBytes(float[] source, int sourceWidth, int sourceHeight, int width, int height, byte[] destination)
    {
        if (destination.Length < (long)width * height)
            throw new ArgumentException("The destination is smaller than width * height.", nameof(destination));
        var across = new AxisWeights(sourceWidth, width);
        Banded(new AxisWeights(sourceHeight, height), width, 1,
            (y, scratch, offset) => HorizontalPlane(source.AsSpan(y * sourceWidth, sourceWidth), across, scratch[0].AsSpan(offset, width)),
            (y, _, row) => ToBytes(row, destination.AsSpan(y * width, width)));
    }

    private static void Banded(AxisWeights down, int width, int channels, AcrossRow acrossRow, WriteRow write)
    {
        var height = down.DestinationSize;
        RowBlocks.For(height, (y0, y1) =>
        {
            var rows = 0;
            for (var b = y0; b < y1; b += BandRows)
            {
                var (first, last) = SourceRows(down, b, Math.Min(b + BandRows, y1));
                rows = Math.Max(rows, last - first);
            }
            var scratch = new float[channels][];
            for (var c = 0; c < channels; c++)
                scratch[c] = ArrayPool<float>.Shared.Rent(rows * width);
            var row = ArrayPool<float>.Shared.Rent(width);
            try
            {
                for (var b = y0; b < y1; b += BandRows)
                {
                    var end = Math.Min(b + BandRows, y1);
                    var (first, last) = SourceRows(down, b, end);
                    for (var sy = first; sy < last; sy++)
                        acrossRow(sy, scratch, (sy - first) * width);
                    for (var y = b; y < end; y++)
                        for (var c = 0; c < channels; c++)
                        {
                            VerticalRow(scratch[c], width, down, y, first, row.AsSpan(0, width));
                            write(y, c, row.AsSpan(0, width));
                        }
                }
            }
            finally
            {
                foreach (var channel in scratch)
                    ArrayPool<float>.Shared.Return(channel);
                ArrayPool<float>.Shared.Return(row);
            }
        });
    }

    /// <summary>The source rows [first, last) that output rows [y0, y1) read.</summary>
    private static (int First, int Last) SourceRows(AxisWeights down, int y0, int y1)
    {
        var first = int.MaxValue;
        var last = 0;
        for (var y = y0; y < y1; y++)
        {
            first = Math.Min(first, down.Starts[y]);
            last = Math.Max(last, down.Starts[y] + down.Counts[y]);
        }
        return (first, last);
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
        var pixels = MemoryMarshal.Cast<byte, uint>(row);
        for (var i = 0; i < w.DestinationSize; i++)
        {
            var start = w.Starts[i];
            var weights = w.Weights.AsSpan(i * taps, w.Counts[i]);
            var px = pixels.Slice(start, weights.Length);
            // A pixel's four bytes as four float lanes, weighted and summed in tap order: each lane does the
            // arithmetic of a channel at a time, in the same order, so the sums are the same to the bit.
            var sum = Vector128<float>.Zero;
            for (var k = 0; k < weights.Length; k++)
                sum += ToFloats(px[k]) * weights[k];
            r[i] = sum.GetElement(0);
            g[i] = sum.GetElement(1);
            b[i] = sum.GetElement(2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ToFloats(uint rgba) =>
        Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(rgba).AsByte())).AsInt32());

    private static void HorizontalPlane(ReadOnlySpan<float> row, AxisWeights w, Span<float> destination)
    {
        var taps = w.TapsPerPixel;
        for (var i = 0; i < w.DestinationSize; i++)
        {
            var weights = w.Weights.AsSpan(i * taps, w.Counts[i]);
            destination[i] = TensorPrimitives.Dot(row.Slice(w.Starts[i], weights.Length), weights);
        }
    }

    private static void VerticalRow(float[] scratch, int width, AxisWeights down, int y, int firstRow, Span<float> row)
    {
        var start = down.Starts[y] - firstRow;
        var weights = down.Weights.AsSpan(y * down.TapsPerPixel, down.Counts[y]);
        TensorPrimitives.Multiply(scratch.AsSpan(start * width, width), weights[0], row);
        for (var k = 1; k < weights.Length; k++)
            TensorPrimitives.MultiplyAdd(scratch.AsSpan((start + k) * width, width), weights[k], row, row);
    }
}
