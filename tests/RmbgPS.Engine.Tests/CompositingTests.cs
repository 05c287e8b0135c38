using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using Xunit.Abstractions;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests;

public sealed class CompositingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

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
    public void Hidden_colour_is_cleared_only_where_alpha_is_zero_across_vector_blocks_and_the_tail()
    {
        var count = 37; // not a multiple of any vector width: the scalar tail runs too
        var rgba = new byte[count * 4];
        for (var i = 0; i < count; i++)
            (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = (10, 20, 30, (byte)(i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 255));
        Cutout.ClearHiddenColour(rgba);
        for (var i = 0; i < count; i++)
            Assert.Equal(i % 3 == 0 ? new byte[] { 0, 0, 0, 0 } : new byte[] { 10, 20, 30, rgba[i * 4 + 3] }, rgba[(i * 4)..(i * 4 + 4)]);
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
        ForegroundEstimator.Refine(composite, w, h);

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
        ForegroundEstimator.Refine(rgba, w, h);
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

    [Fact]
    public void Offset_grows_and_shrinks_by_a_square_of_the_given_radius()
    {
        const int w = 21, h = 15;
        var mask = new byte[w * h];
        mask[7 * w + 10] = 255;
        MaskFilters.Offset(mask, w, h, 3);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                Assert.Equal(Math.Abs(x - 10) <= 3 && Math.Abs(y - 7) <= 3 ? 255 : 0, mask[y * w + x]);
        MaskFilters.Offset(mask, w, h, -3);
        Assert.Equal(255, mask[7 * w + 10]);
        Assert.Equal(255, mask.Sum(v => v));

        // At the frame's edge the window is clamped, not wrapped.
        var corner = new byte[w * h];
        corner[0] = 200;
        MaskFilters.Offset(corner, w, h, 2);
        Assert.Equal(9, corner.Count(v => v == 200));
        Assert.Equal(0, corner[w * h - 1]);
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(4, 1, 40)]
    [InlineData(7, 33, 2)]
    public void Offset_matches_a_brute_force_square_min_and_max(int radius, int width, int height)
    {
        var random = new Random(radius * 100 + width);
        var mask = new byte[width * height];
        random.NextBytes(mask);
        foreach (var sign in new[] { 1, -1 })
        {
            var actual = (byte[])mask.Clone();
            MaskFilters.Offset(actual, width, height, sign * radius);
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var expected = sign > 0 ? byte.MinValue : byte.MaxValue;
                    for (var yy = Math.Max(0, y - radius); yy <= Math.Min(height - 1, y + radius); yy++)
                        for (var xx = Math.Max(0, x - radius); xx <= Math.Min(width - 1, x + radius); xx++)
                            expected = sign > 0 ? Math.Max(expected, mask[yy * width + xx]) : Math.Min(expected, mask[yy * width + xx]);
                    Assert.Equal(expected, actual[y * width + x]);
                }
        }
    }

    [Fact]
    public void Feathering_is_a_symmetric_blur_that_keeps_flat_areas()
    {
        const int w = 64, h = 64;
        var mask = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 32; x < w; x++)
                mask[y * w + x] = 255;
        MaskFilters.GaussianBlur(mask, w, h, sigma: 4);
        var row = mask.AsSpan(32 * w, w).ToArray();
        Assert.Equal(0, row[0]);
        Assert.Equal(255, row[^1]);
        Assert.InRange(row[31] + row[32], 250, 260); // the edge becomes a ramp centred between the two columns
        for (var x = 1; x < w; x++)
            Assert.True(row[x] >= row[x - 1], "monotonic ramp");
        Assert.InRange(row.Count(v => v is > 5 and < 250), 8, 24); // about +-2 sigma wide

        Assert.Equal([2, 2, 3], MaskFilters.BoxRadiiForGaussian(3, 3).Order());
        MaskFilters.Invert(mask);
        Assert.Equal(255, mask[0]);
    }

    [Fact]
    public void Over_a_colour_mixes_by_alpha_and_a_translucent_colour_keeps_some_transparency()
    {
        var cut = new RgbaImage(2, 1, [200, 0, 0, 128, 10, 20, 30, 0], hasTransparency: true);
        var onWhite = Backgrounds.OverColour(new RgbaImage(2, 1, (byte[])cut.Pixels.Clone(), true), BackgroundColor.Parse("white"));
        Assert.Equal([227, 127, 127, 255, 255, 255, 255, 255], onWhite.Pixels);
        Assert.False(onWhite.HasTransparency);

        var translucent = Backgrounds.OverColour(new RgbaImage(2, 1, (byte[])cut.Pixels.Clone(), true), BackgroundColor.Parse("#0000ff80"));
        Assert.Equal([0, 0, 255], translucent.Pixels[4..7]); // the background alone where the cut-out was clear
        Assert.InRange(translucent.Pixels[7], 127, 129);
        Assert.InRange(translucent.Pixels[3], 190, 193); // 0.5 + 0.5 * 0.5
        Assert.InRange(translucent.Pixels[0], 131, 136); // 200 * 0.5 / 0.75
        Assert.InRange(translucent.Pixels[2], 82, 87);   // 255 * 0.25 / 0.75
        Assert.True(translucent.HasTransparency);
    }

    [Fact]
    public void A_background_picture_is_scaled_to_cover_and_centred()
    {
        // 100x50: left half red, right half blue; onto a 50x50 cut-out that is fully transparent.
        var pixels = new byte[100 * 50 * 4];
        for (var y = 0; y < 50; y++)
            for (var x = 0; x < 100; x++)
            {
                var i = (y * 100 + x) * 4;
                pixels[i + (x < 50 ? 0 : 2)] = 255;
                pixels[i + 3] = 255;
            }
        var picture = new RgbaImage(100, 50, pixels, hasTransparency: false);
        var background = new BackgroundPicture(picture);
        var result = Backgrounds.OverPicture(new RgbaImage(50, 50, new byte[50 * 50 * 4], true), background);
        Assert.Same(background.CoverFor(50, 50), background.CoverFor(50, 50)); // scaled once per size
        // Scale 1 (height already covers): the centre 50 columns are 25..74 of the picture.
        Assert.Equal(255, result.Pixels[(25 * 50 + 5) * 4]);      // left: red
        Assert.Equal(255, result.Pixels[(25 * 50 + 45) * 4 + 2]); // right: blue
        Assert.False(result.HasTransparency);
    }

    [Fact]
    public void Crop_keeps_the_soft_edge_beyond_the_half_alpha_box()
    {
        const int w = 200, h = 200;
        var values = new byte[w * h];
        for (var y = 50; y < 150; y++)
            for (var x = 50; x < 150; x++)
                values[y * w + x] = 255;
        MaskFilters.GaussianBlur(values, w, h, sigma: 10);
        var mask = new AlphaMask(w, h, values);
        var image = TestImages.RedSquare(w, h, 0, 0, w, h);
        var cut = Cutout.Compose(image, mask, new CutoutOptions { Crop = true, RefineForeground = false });

        Assert.True(cut.Width > mask.Bounds!.Value.Width + 20, $"crop {cut.Width} px vs the half-alpha box {mask.Bounds.Value.Width} px");
        Assert.Equal((cut.Width, cut.Height), Cutout.OutputSize(w, h, mask.VisibleBounds, new CutoutOptions { Crop = true }));
        var border = Enumerable.Range(0, cut.Width).Select(x => cut.Pixels[(cut.Height / 2 * cut.Width + x) * 4 + 3]).ToArray();
        Assert.InRange(border[0], AlphaMask.VisibleAlpha, 20); // the crop ends where the ramp has faded, not at half alpha
        Assert.InRange(border[^1], AlphaMask.VisibleAlpha, 20);
    }

    [Fact]
    public void A_picture_goes_over_the_colour_so_the_colour_fills_what_the_picture_leaves_clear()
    {
        var clearPicture = new BackgroundPicture(new RgbaImage(4, 4, new byte[4 * 4 * 4], hasTransparency: true));
        var options = new CutoutOptions { BackgroundPicture = clearPicture, BackgroundColor = BackgroundColor.Parse("white") };
        Assert.True(options.HasOpaqueBackground);
        var image = new RgbaImage(4, 4, new byte[4 * 4 * 4], hasTransparency: false);
        var cut = Cutout.Compose(image, new AlphaMask(4, 4, new byte[16]), options);
        Assert.False(cut.HasTransparency);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal([255, 255, 255, 255], cut.Pixels[(i * 4)..(i * 4 + 4)]));
    }

    [Fact]
    public void Crop_with_padding_extends_past_the_frame_with_transparency()
    {
        var image = TestImages.RedSquare(20, 10, 2, 3, 4, 5);
        var cropped = Cutout.Crop(image, new MaskBounds(2, 3, 4, 5), padding: 4);
        Assert.Equal((12, 13), (cropped.Width, cropped.Height));
        Assert.Equal(0, cropped.Pixels[3]);                       // (0,0) lies outside the frame: transparent
        Assert.Equal(255, cropped.Pixels[(4 * 12 + 4) * 4]);      // the subject's first pixel, red
        Assert.Equal(255, cropped.Pixels[(4 * 12 + 4) * 4 + 3]);
    }

    [Theory]
    [InlineData("white", 255, 255, 255, 255)]
    [InlineData("Transparent", 255, 255, 255, 0)]
    [InlineData("#00b140", 0, 0xb1, 0x40, 255)]
    [InlineData("#abc", 0xaa, 0xbb, 0xcc, 255)]
    [InlineData("#11223344", 0x11, 0x22, 0x33, 0x44)]
    public void Colours_parse_from_names_and_hex(string text, byte r, byte g, byte b, byte a)
    {
        var colour = BackgroundColor.Parse(text);
        Assert.Equal((r, g, b, a), (colour.R, colour.G, colour.B, colour.A));
    }

    [Fact]
    public void A_bad_colour_says_what_is_accepted()
    {
        Assert.Contains("#rrggbb", Assert.Throws<FormatException>(() => BackgroundColor.Parse("#12345")).Message);
        Assert.False(BackgroundColor.TryParse("# 12345", out _));
    }

    [Theory]
    [InlineData(OutputFormat.Png)]
    [InlineData(OutputFormat.WebP)]
    public void PNG_and_WebP_keep_alpha_and_JPEG_is_opaque(OutputFormat format)
    {
        var image = TestImages.RedSquare(32, 32, 8, 8, 16, 16);
        for (var i = 0; i < 32 * 32; i++)
            image.Pixels[i * 4 + 3] = image.Pixels[i * 4] == 255 ? (byte)255 : (byte)0;
        var path = folder.File("x" + OutputFormats.Extension(format));
        using (var file = File.Create(path))
            ImageEncoder.Write(file, image, format, 100);
        var back = ImageDecoder.Decode(path);
        Assert.True(back.HasTransparency);
        Assert.Equal(0, back.Pixels[3]);
        Assert.Equal(255, back.Pixels[(16 * 32 + 16) * 4 + 3]);
        Assert.Equal(image.Pixels, back.Pixels); // PNG and lossless WebP: exact

        var jpeg = folder.File("x.jpg");
        using (var file = File.Create(jpeg))
            ImageEncoder.Write(file, Backgrounds.OverColour(image, BackgroundColor.Parse("white")), OutputFormat.Jpeg, 90);
        Assert.False(ImageDecoder.Decode(jpeg).HasTransparency);
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(jpeg)[..2]);
    }
}
