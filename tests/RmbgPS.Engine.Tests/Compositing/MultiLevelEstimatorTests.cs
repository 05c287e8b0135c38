using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;
using Xunit.Abstractions;

namespace RmbgPS.Tests.Compositing;

/// <summary>Multi-level foreground estimation: against blur fusion on the known composite, and in strips against the whole plane.</summary>
public sealed class MultiLevelEstimatorTests(ITestOutputHelper output)
{
    /// <summary>The known composite: F a real photo, alpha a soft disk, B a saturated green wall; returns I (RGBA, alpha set) and F.</summary>
    private static (byte[] Composite, byte[] Alpha, RgbaImage Truth) KnownComposite(double sigma)
    {
        var photo = ImageDecoder.Decode(TestAssets.Photo("chelsea.png"));
        var (w, h) = (photo.Width, photo.Height);
        var alpha = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                alpha[y * w + x] = Math.Sqrt(Math.Pow(x - w / 2.0, 2) + Math.Pow(y - h / 2.0, 2)) <= Math.Min(w, h) * 0.35 ? (byte)255 : (byte)0;
        MaskFilters.GaussianBlur(alpha, w, h, sigma);
        var composite = new byte[w * h * 4];
        for (var i = 0; i < w * h; i++)
        {
            var a = alpha[i] / 255.0;
            composite[i * 4 + 0] = (byte)Math.Round(a * photo.Pixels[i * 4 + 0]);
            composite[i * 4 + 1] = (byte)Math.Round(a * photo.Pixels[i * 4 + 1] + (1 - a) * 255);
            composite[i * 4 + 2] = (byte)Math.Round(a * photo.Pixels[i * 4 + 2]);
            composite[i * 4 + 3] = alpha[i];
        }
        return (composite, alpha, photo);
    }

    /// <summary>Mean absolute error against the true foreground, and the mean green excess (G - (R+B)/2 over the truth's), in the band 0.05 &lt; alpha &lt; 0.95.</summary>
    private static (double Error, double GreenExcess, int Band) Measure(byte[] estimate, byte[] alpha, RgbaImage truth)
    {
        double error = 0, green = 0;
        var band = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] <= 0.05 * 255 || alpha[i] >= 0.95 * 255)
                continue;
            band++;
            for (var c = 0; c < 3; c++)
                error += Math.Abs(estimate[i * 4 + c] - truth.Pixels[i * 4 + c]);
            double Excess(byte[] p) => p[i * 4 + 1] - (p[i * 4] + p[i * 4 + 2]) / 2.0;
            green += Excess(estimate) - Excess(truth.Pixels);
        }
        return (error / (band * 3.0), green / band, band);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void Multi_level_estimation_leaves_less_of_the_old_background_than_blur_fusion(double sigma)
    {
        var (composite, alpha, truth) = KnownComposite(sigma);
        var (w, h) = (truth.Width, truth.Height);
        var naive = Measure(composite, alpha, truth);
        var fusion = (byte[])composite.Clone();
        ForegroundEstimator.Refine(fusion, w, h, ForegroundMethod.BlurFusion);
        var multiLevel = (byte[])composite.Clone();
        ForegroundEstimator.Refine(multiLevel, w, h, ForegroundMethod.MultiLevel);
        var (fusionScore, multiScore) = (Measure(fusion, alpha, truth), Measure(multiLevel, alpha, truth));
        output.WriteLine($"sigma {sigma}, band {naive.Band} px: error / green excess in levels: raw {naive.Error:0.00} / {naive.GreenExcess:0.00}, " +
                         $"blur fusion {fusionScore.Error:0.00} / {fusionScore.GreenExcess:0.00}, multi-level {multiScore.Error:0.00} / {multiScore.GreenExcess:0.00}");

        Assert.True(multiScore.Error < fusionScore.Error, $"multi-level {multiScore.Error:0.00} vs blur fusion {fusionScore.Error:0.00}");
        Assert.True(multiScore.GreenExcess < fusionScore.GreenExcess, $"green excess: multi-level {multiScore.GreenExcess:0.00} vs blur fusion {fusionScore.GreenExcess:0.00}");
        for (var i = 0; i < w * h; i++)
            if (alpha[i] == 255)
                Assert.Equal(truth.Pixels.AsSpan(i * 4, 3).ToArray(), multiLevel.AsSpan(i * 4, 3).ToArray()); // opaque pixels keep their colour
    }

    [Fact]
    public void In_strips_and_regions_it_is_as_good_as_the_whole_plane_solve()
    {
        // The strips' pyramids are built on their own rectangles, so their values differ a little from one pyramid over
        // the whole picture; what must not differ is how close each comes to the true colours.
        var (composite, alpha, truth) = KnownComposite(6);
        var (w, h) = (truth.Width, truth.Height);
        var whole = new MultiLevelSolver(w * h);
        for (var i = 0; i < w * h; i++)
        {
            for (var c = 0; c < 3; c++)
                whole.Image[i * 3 + c] = composite[i * 4 + c] / 255f;
            whole.Alpha[i] = alpha[i] / 255f;
        }
        whole.Solve(w, h);
        var reference = (byte[])composite.Clone();
        for (var i = 0; i < w * h; i++)
            if (alpha[i] is > 0 and < 255)
                for (var c = 0; c < 3; c++)
                    reference[i * 4 + c] = (byte)(whole.Foreground[i * 3 + c] * 255f + 0.5f);
        var strips = (byte[])composite.Clone();
        ForegroundEstimator.Refine(strips, w, h, ForegroundMethod.MultiLevel);

        var (wholeScore, stripScore) = (Measure(reference, alpha, truth), Measure(strips, alpha, truth));
        double sum = 0;
        var count = 0;
        for (var i = 0; i < w * h; i++)
            if (alpha[i] is > 0 and < 255)
                for (var c = 0; c < 3; c++, count++)
                    sum += Math.Abs(strips[i * 4 + c] - reference[i * 4 + c]);
        output.WriteLine($"error against the truth: whole plane {wholeScore.Error:0.00}, strips {stripScore.Error:0.00} levels; strips against the whole plane: mean {sum / count:0.00} levels");
        Assert.True(stripScore.Error <= wholeScore.Error * 1.1, $"strips {stripScore.Error:0.00} vs whole plane {wholeScore.Error:0.00}");
        Assert.True(sum / count < 5, $"mean difference {sum / count:0.00} levels");
    }

    [Theory]
    [InlineData(451, 300, 0)] // odd width: the last column's pixels alternate colour from row to row
    [InlineData(350, 299, 60)] // even width: the last pixel of a row is the same colour as the next row's first
    [InlineData(1, 300, 121)] // one column, through the disk's soft edge
    public void Its_vector_path_gives_the_same_bits_as_a_channel_at_a_time(int w, int h, int left)
    {
        var (composite, alpha, truth) = KnownComposite(6);
        MultiLevelSolver Solve(bool byChannel)
        {
            var solver = new MultiLevelSolver(w * h) { ByChannel = byChannel };
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var (i, from) = (y * w + x, y * truth.Width + left + x);
                    for (var c = 0; c < 3; c++)
                        solver.Image[i * 3 + c] = composite[from * 4 + c] / 255f;
                    solver.Alpha[i] = alpha[from] / 255f;
                }
            solver.Solve(w, h);
            return solver;
        }
        var (vectors, channels) = (Solve(false), Solve(true));
        Assert.Contains(channels.Alpha.AsSpan(0, w * h).ToArray(), a => a is > 0 and < 1);
        Assert.Equal(channels.Foreground.AsSpan(0, w * h * 3).ToArray(), vectors.Foreground.AsSpan(0, w * h * 3).ToArray());
    }

    [Fact]
    public void The_next_picture_reuses_the_solver_until_a_batch_lets_it_go()
    {
        var (composite, _, truth) = KnownComposite(6);
        var (w, h) = (truth.Width, truth.Height);
        long Allocated() // the solver's planes are made on the calling thread; its rows run on others and make none
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            ForegroundEstimator.Refine((byte[])composite.Clone(), w, h, ForegroundMethod.MultiLevel);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        MultiLevelSolver.ReleaseIdle();
        var fresh = Allocated();
        var reused = Allocated();
        MultiLevelSolver.ReleaseIdle();
        var afterRelease = Allocated();
        output.WriteLine($"allocated: fresh {fresh / 1024} KB, reused {reused / 1024} KB, after release {afterRelease / 1024} KB");
        var solverBytes = (long)w * h * 40; // the full-size planes alone (chelsea is shorter than a strip)
        Assert.True(fresh > solverBytes, $"a first picture makes its solver ({fresh} bytes)");
        Assert.True(reused < fresh - solverBytes, $"the next one reuses it ({reused} against {fresh} bytes)");
        Assert.True(afterRelease > solverBytes, $"after a release the solver is made again ({afterRelease} bytes)");

        var small = MultiLevelSolver.Rent(1000);
        MultiLevelSolver.Return(small);
        Assert.Same(small, MultiLevelSolver.Rent(500)); // large enough: the idle one
        MultiLevelSolver.Return(small);
        Assert.True(MultiLevelSolver.Rent(2000).Capacity >= 2000); // too small: a new one, the idle one dropped
        MultiLevelSolver.ReleaseIdle();
    }
}
