using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;
using Xunit.Abstractions;

namespace RmbgPS.Tests.Compositing;

/// <summary>Edge colour by blur fusion: on a known composite, and the strips and column regions equal to the whole-plane formula.</summary>
public sealed class ForegroundEstimatorTests(ITestOutputHelper output)
{
    /// <summary>A soft disk: alpha 255 inside, 0 outside, a wide blurred ramp between (like hair against a wall).</summary>
    private static byte[] SoftDisk(int width, int height, double radius, double sigma)
    {
        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                mask[y * width + x] = Math.Sqrt(Math.Pow(x - width / 2.0, 2) + Math.Pow(y - height / 2.0, 2)) <= radius ? (byte)255 : (byte)0;
        MaskFilters.GaussianBlur(mask, width, height, sigma);
        return mask;
    }


    [Fact]
    public void Foreground_estimation_at_least_halves_the_colour_error_of_the_naive_cut_out_on_a_known_composite()
    {
        // F: a real photo; alpha: a soft disk; B: a saturated green wall; I = aF + (1-a)B.
        var photo = ImageDecoder.Decode(TestAssets.Photo("chelsea.png"));
        var (w, h) = (photo.Width, photo.Height);
        var alpha = SoftDisk(w, h, Math.Min(w, h) * 0.35, sigma: 12);
        var composite = new byte[w * h * 4];
        for (var i = 0; i < w * h; i++)
        {
            var a = alpha[i] / 255.0;
            composite[i * 4 + 0] = (byte)Math.Round(a * photo.Pixels[i * 4 + 0] + (1 - a) * 0);
            composite[i * 4 + 1] = (byte)Math.Round(a * photo.Pixels[i * 4 + 1] + (1 - a) * 255);
            composite[i * 4 + 2] = (byte)Math.Round(a * photo.Pixels[i * 4 + 2] + (1 - a) * 0);
            composite[i * 4 + 3] = alpha[i];
        }
        var naive = (byte[])composite.Clone(); // F = I: what a cut-out without estimation shows
        ForegroundEstimator.Refine(composite, w, h, ForegroundMethod.BlurFusion);

        double naiveError = 0, estimatedError = 0;
        var band = 0;
        for (var i = 0; i < w * h; i++)
        {
            if (alpha[i] <= 0.05 * 255 || alpha[i] >= 0.95 * 255)
                continue;
            band++;
            for (var c = 0; c < 3; c++)
            {
                naiveError += Math.Abs(naive[i * 4 + c] - photo.Pixels[i * 4 + c]);
                estimatedError += Math.Abs(composite[i * 4 + c] - photo.Pixels[i * 4 + c]);
            }
        }
        naiveError /= band * 3.0;
        estimatedError /= band * 3.0;
        output.WriteLine($"band of {band} pixels (0.05 < alpha < 0.95): mean error naive F = I {naiveError:0.00}, estimated {estimatedError:0.00} (levels of 255)");
        Assert.True(band > 1000, $"the band is too thin to measure ({band} pixels)");
        Assert.True(estimatedError <= naiveError / 2, $"estimated {estimatedError:0.00} vs naive {naiveError:0.00}");

        for (var i = 0; i < w * h; i++)
            if (alpha[i] == 255)
                Assert.Equal(photo.Pixels.AsSpan(i * 4, 3).ToArray(), composite.AsSpan(i * 4, 3).ToArray()); // opaque pixels keep their colour
    }

    [Theory]
    [InlineData(150, 1300, "rows")]  // taller than a strip, soft alpha across every column
    [InlineData(900, 1200, "bands")] // soft alpha in narrow column bands: strips cut to their columns
    [InlineData(900, 600, "edges")]  // a subject's two edges in the same rows, runs 16 and 17 apart: regions per run
    public void Foreground_estimation_in_strips_matches_the_whole_image_formula(int w, int h, string layout)
    {
        // The strips, their margins, their column cuts and the skipped rows must give what the two
        // blur-fusion passes give on the whole plane at once.
        var random = new Random(3);
        var rgba = new byte[w * h * 4];
        random.NextBytes(rgba);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var soft = layout switch
                {
                    "bands" => (y < 600 ? x is >= 300 and < 340 : x is >= 700 and < 712) || (y == 511 && x == 0),
                    // left edge, a column 16 on (joined), right edge 17 on from another (apart), a lone pixel at the border
                    "edges" => x is >= 100 and < 110 or 125 or (>= 600 and < 606) or 622 || (y == 300 && x == 899),
                    _ => y is <= 400 or (>= 700 and <= 1100),
                };
                rgba[(y * w + x) * 4 + 3] = soft ? (byte)random.Next(256) : y % 2 == 0 ? (byte)255 : (byte)0;
            }
        var expected = ReferenceForeground(rgba, w, h);
        ForegroundEstimator.Refine(rgba, w, h, ForegroundMethod.BlurFusion);
        var diffs = new List<(int y, int x, int d)>();
        for (var i = 0; i < w * h; i++)
            for (var c = 0; c < 3; c++)
                if (Math.Abs(rgba[i * 4 + c] - expected[i * 4 + c]) > 1) diffs.Add((i / w, i % w, rgba[i * 4 + c] - expected[i * 4 + c]));
        Assert.Empty(diffs.Take(20)); // (row, column, difference) of the first few that differ by more than rounding
    }

    /// <summary>
    /// The reference code's two passes, written plainly on whole planes with clamped box means; the wide
    /// pass as the estimator defines it: 4x4 block means, a box of radius 11 there, bilinear back up.
    /// </summary>
    private static byte[] ReferenceForeground(byte[] rgba, int w, int h)
    {
        static double[] Blur(double[] plane, int w, int h, int r)
        {
            // Clamped box means from a summed-area table.
            var table = new double[(w + 1) * (h + 1)];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    table[(y + 1) * (w + 1) + x + 1] = plane[y * w + x] + table[y * (w + 1) + x + 1] + table[(y + 1) * (w + 1) + x] - table[y * (w + 1) + x];
            var result = new double[plane.Length];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    int x0 = Math.Max(0, x - r), x1 = Math.Min(w - 1, x + r) + 1, y0 = Math.Max(0, y - r), y1 = Math.Min(h - 1, y + r) + 1;
                    var sum = table[y1 * (w + 1) + x1] - table[y0 * (w + 1) + x1] - table[y1 * (w + 1) + x0] + table[y0 * (w + 1) + x0];
                    result[y * w + x] = sum / ((x1 - x0) * (y1 - y0));
                }
            return result;
        }
        static (int, double) Position(int x, int low)
        {
            var at = (x + 0.5) / 4 - 0.5;
            return at <= 0 ? (0, 0) : at >= low - 1 ? (low - 1, 0) : ((int)at, at - (int)at);
        }
        var (lw, lh) = ((w + 3) / 4, (h + 3) / 4);
        double[] BlockMeans(Func<int, double> value)
        {
            var means = new double[lw * lh];
            for (var ly = 0; ly < lh; ly++)
                for (var lx = 0; lx < lw; lx++)
                {
                    double sum = 0;
                    var count = 0;
                    for (var y = ly * 4; y < Math.Min(h, ly * 4 + 4); y++)
                        for (var x = lx * 4; x < Math.Min(w, lx * 4 + 4); x++, count++)
                            sum += value(y * w + x);
                    means[ly * lw + lx] = sum / count;
                }
            return Blur(means, lw, lh, 11);
        }
        double[] Up(double[] low)
        {
            var full = new double[w * h];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var (t, dy) = Position(y, lh);
                    var (l, dx) = Position(x, lw);
                    var (b, r) = (Math.Min(t + 1, lh - 1), Math.Min(l + 1, lw - 1));
                    var upper = low[t * lw + l] + dx * (low[t * lw + r] - low[t * lw + l]);
                    var lower = low[b * lw + l] + dx * (low[b * lw + r] - low[b * lw + l]);
                    full[y * w + x] = upper + dy * (lower - upper);
                }
            return full;
        }

        var result = (byte[])rgba.Clone();
        var alpha = Enumerable.Range(0, w * h).Select(i => rgba[i * 4 + 3] / 255.0).ToArray();
        var wideAlpha = BlockMeans(i => alpha[i]);
        for (var c = 0; c < 3; c++)
        {
            var image = Enumerable.Range(0, w * h).Select(i => rgba[i * 4 + c] / 255.0).ToArray();
            var wideSubject = BlockMeans(i => image[i] * alpha[i]).Select((v, i) => v / (wideAlpha[i] + 1e-5)).ToArray();
            var wideBackground = BlockMeans(i => image[i] * (1 - alpha[i])).Select((v, i) => v / (1 - wideAlpha[i] + 1e-5)).ToArray();
            var (bf1, bb1) = (Up(wideSubject), Up(wideBackground));
            var f1 = Enumerable.Range(0, w * h).Select(i => Math.Clamp(bf1[i] + alpha[i] * (image[i] - alpha[i] * bf1[i] - (1 - alpha[i]) * bb1[i]), 0, 1)).ToArray();
            // Pass 2, as the reference code: its F and blurred B with the box of 6.
            var ba = Blur(alpha, w, h, 3);
            var bf = Blur(f1.Select((v, i) => v * alpha[i]).ToArray(), w, h, 3);
            var bb = Blur(bb1.Select((v, i) => v * (1 - alpha[i])).ToArray(), w, h, 3);
            for (var i = 0; i < w * h; i++)
            {
                var blurredF = bf[i] / (ba[i] + 1e-5);
                var blurredB = bb[i] / (1 - ba[i] + 1e-5);
                var f2 = Math.Clamp(blurredF + alpha[i] * (image[i] - alpha[i] * blurredF - (1 - alpha[i]) * blurredB), 0, 1);
                if (rgba[i * 4 + 3] is > 0 and < 255)
                    result[i * 4 + c] = (byte)(f2 * 255 + 0.5);
            }
        }
        return result;
    }
}
