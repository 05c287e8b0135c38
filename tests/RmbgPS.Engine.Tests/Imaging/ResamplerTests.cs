using RmbgPS.Engine.Imaging;

namespace RmbgPS.Tests;

public class ResamplerTests
{
    private static readonly float[] Identity = [1, 1, 1];
    private static readonly float[] Zero = [0, 0, 0];

    [Fact]
    public void Downscaling_a_fine_checkerboard_averages_it_instead_of_picking_pixels()
    {
        // 1-pixel black/white checks: nearest-neighbour or unfiltered bilinear lands on one colour,
        // an antialiased filter sees the mean grey.
        const int size = 2048;
        var pixels = new byte[size * size * 4];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var v = (byte)(((x + y) & 1) == 0 ? 255 : 0);
                var i = (y * size + x) * 4;
                pixels[i] = pixels[i + 1] = pixels[i + 2] = v;
                pixels[i + 3] = 255;
            }
        var planes = new float[3 * 300 * 300];
        Resampler.RgbaToPlanes(new RgbaImage(size, size, pixels, false), 300, 300, planes, Identity, Zero);

        Assert.All(planes, v => Assert.InRange(v, 127.5 - 6, 127.5 + 6));
    }

    [Fact]
    public void Normalisation_is_fused_into_the_resize()
    {
        var image = new RgbaImage(4, 4, Enumerable.Repeat(new byte[] { 255, 128, 0, 255 }, 16).SelectMany(p => p).ToArray(), false);
        var planes = new float[3 * 8 * 8];
        Resampler.RgbaToPlanes(image, 8, 8, planes, [2, 1, 1], [-1, 0, 5]);

        Assert.All(planes.AsSpan(0, 64).ToArray(), v => Assert.Equal(509f, v, 3));
        Assert.All(planes.AsSpan(64, 64).ToArray(), v => Assert.Equal(128f, v, 3));
        Assert.All(planes.AsSpan(128, 64).ToArray(), v => Assert.Equal(5f, v, 3));
    }

    [Fact]
    public void Upscaling_a_mask_interpolates_edges_instead_of_repeating_pixels()
    {
        // A 4x1 step 0,0,1,1 enlarged 64 times: bilinear gives a ramp between the two halves.
        var plane = new float[] { 0, 0, 1, 1 };
        var bytes = new byte[256];
        Resampler.PlaneToBytes(plane, 4, 1, 256, 1, bytes);

        Assert.Equal(0, bytes[0]);
        Assert.Equal(255, bytes[255]);
        var intermediate = bytes.Count(b => b is > 5 and < 250);
        Assert.InRange(intermediate, 40, 90); // about one source pixel's width of ramp
        for (var i = 1; i < bytes.Length; i++)
            Assert.True(bytes[i] >= bytes[i - 1], "the ramp must be monotonic");
    }

    [Fact]
    public void Same_size_resampling_is_exact()
    {
        var random = new Random(1);
        var plane = Enumerable.Range(0, 37 * 23).Select(_ => (float)random.NextDouble()).ToArray();
        var bytes = new byte[plane.Length];
        Resampler.PlaneToBytes(plane, 37, 23, 37, 23, bytes);
        for (var i = 0; i < plane.Length; i++)
            Assert.Equal((int)Math.Round(plane[i] * 255), bytes[i]);
    }

    [Fact]
    public void Values_are_clamped_to_the_byte_range()
    {
        var bytes = new byte[4];
        Resampler.ToBytes([-0.5f, 1.5f, 0.5f, 0f], bytes);
        Assert.Equal(new byte[] { 0, 255, 128, 0 }, bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a batch worker runs the row blocks inline: one block, many bands
    public void Banded_resizing_equals_the_whole_plane_separable_sum(bool onBatchThread)
    {
        // Odd sizes, a shrink across and down and an enlargement, so bands split at rows whose taps overlap.
        var random = new Random(7);
        var (sw, sh, w, h) = (1013, 977, 301, 700);
        var pixels = new byte[sw * sh * 4];
        random.NextBytes(pixels);
        var plane = Enumerable.Range(0, 61 * 53).Select(_ => (float)random.NextDouble()).ToArray();
        var planes = new float[3 * w * h];
        var bytes = new byte[w * h];
        void Resize()
        {
            Resampler.RgbaToPlanes(new RgbaImage(sw, sh, pixels, false), w, h, planes, Identity, Zero);
            Resampler.PlaneToBytes(plane, 61, 53, w, h, bytes);
        }
        if (onBatchThread)
        {
            Exception? failure = null;
            var worker = new Thread(() =>
            {
                RmbgPS.Engine.Batch.BatchThread.Enter();
                try { Resize(); } catch (Exception e) { failure = e; }
            });
            worker.Start();
            worker.Join();
            if (failure is not null)
                throw new InvalidOperationException("The resize failed on the batch thread.", failure);
        }
        else
            Resize();

        var rgb = Reference(sw, sh, w, h, (x, y, c) => pixels[(y * sw + x) * 4 + c], 3);
        for (var i = 0; i < planes.Length; i++)
            Assert.True(Math.Abs(planes[i] - rgb[i]) < 1e-2, $"RGB value {i}: {planes[i]} vs {rgb[i]}");
        var mask = Reference(61, 53, w, h, (x, y, _) => plane[y * 61 + x], 1);
        for (var i = 0; i < bytes.Length; i++)
            Assert.True(Math.Abs(bytes[i] - mask[i] * 255) <= 0.51, $"mask byte {i}: {bytes[i]} vs {mask[i] * 255}");
    }

    /// <summary>The plain two-dimensional weighted sum, per output pixel, from the same filter taps.</summary>
    private static double[] Reference(int sw, int sh, int w, int h, Func<int, int, int, double> sample, int channels)
    {
        var across = new AxisWeights(sw, w);
        var down = new AxisWeights(sh, h);
        var result = new double[channels * w * h];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    double sum = 0;
                    for (var j = 0; j < down.Counts[y]; j++)
                        for (var i = 0; i < across.Counts[x]; i++)
                            sum += down.Weights[y * down.TapsPerPixel + j] * across.Weights[x * across.TapsPerPixel + i]
                                * sample(across.Starts[x] + i, down.Starts[y] + j, c);
                    result[c * w * h + y * w + x] = sum;
                }
        return result;
    }
}
