using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>The real ISNet model (IMG.LY, fp16 weights) on real photos: the segmentation must be plausible.</summary>
public sealed class RealModelTests(RealModelTests.Model model, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RealModelTests.Model>
{
    public sealed class Model
    {
        public ModelSession Session { get; } = new(new ModelLocation(TestAssets.IsnetModelPath, "test"), new EngineSettings(), ExecutionDevice.Cpu);
    }

    private readonly ModelSession session = model.Session;

    private AlphaMask MaskOf(string photo) =>
        BackgroundRemoval.ComputeMask(session, Path.IsPathRooted(photo) ? photo : TestAssets.Photo(photo), MaskOptions.Default, ImageLimits.DefaultMaxPixels, CancellationToken.None);

    [Fact]
    public void The_real_model_is_recognised_from_its_descriptor()
    {
        Assert.Equal("ISNet", session.Profile.Name);
        Assert.Equal(("input", "output"), (session.InputName, session.OutputName));
        Assert.Equal((1024, 1024), (session.InputWidth, session.InputHeight));
    }

    [Theory]
    [InlineData("chelsea.png", 0.15, 0.85)]   // a cat filling much of the frame
    [InlineData("astronaut.png", 0.15, 0.85)] // a person
    public void A_subject_is_found_and_the_background_corners_are_clear(string photo, double minRatio, double maxRatio)
    {
        var mask = MaskOf(photo);

        Assert.InRange(mask.ForegroundRatio, minRatio, maxRatio);
        foreach (var (x, y) in new[] { (2, 2), (mask.Width - 3, 2) })
            Assert.True(mask[x, y] < 26, $"{photo}: top corner ({x},{y}) alpha {mask[x, y]} should be background (< 0.1)");
        Assert.NotNull(mask.Bounds);
        var b = mask.Bounds!.Value;
        Assert.True(b.Width * b.Height < mask.Width * mask.Height, "the subject's box is smaller than the picture");
        // Soft edges: the mask is not just 0 and 255.
        Assert.True(mask.Values.Count(a => a is > 10 and < 245) > 100, "expected a soft transition at the subject's edge");
    }

    [Fact]
    public void The_cat_is_in_the_middle_and_the_mask_is_at_full_resolution()
    {
        var mask = MaskOf("chelsea.png");
        Assert.Equal((451, 300), (mask.Width, mask.Height));
        Assert.True(mask[mask.Width / 2, mask.Height / 2] > 200, "the cat's body, at the centre, is subject");
    }

    [Fact]
    public void A_cat_in_front_of_a_green_wall_shows_no_green_fringe_on_white_with_foreground_estimation()
    {
        // The wall: the cat composited onto saturated green with the model's own soft mask.
        var cat = ImageDecoder.Decode(TestAssets.Photo("chelsea.png"));
        var soft = MaskOf("chelsea.png").Values;
        var onGreen = new byte[cat.Pixels.Length];
        for (var i = 0; i < soft.Length; i++)
        {
            var a = soft[i] / 255.0;
            onGreen[i * 4] = (byte)Math.Round(a * cat.Pixels[i * 4]);
            onGreen[i * 4 + 1] = (byte)Math.Round(a * cat.Pixels[i * 4 + 1] + (1 - a) * 255);
            onGreen[i * 4 + 2] = (byte)Math.Round(a * cat.Pixels[i * 4 + 2]);
            onGreen[i * 4 + 3] = 255;
        }
        using var folder = new TempFolder();
        var input = TestImages.SavePng(new RgbaImage(cat.Width, cat.Height, onGreen, false), folder.File("on-green.png"));

        // The model's own alpha on the green picture decides the edge; the right answer there is the cat on
        // white with that alpha. The fringe: how much greener than that the edge comes out.
        var alpha = BackgroundRemoval.ComputeMask(session, input, MaskOptions.Default, ImageLimits.DefaultMaxPixels, CancellationToken.None).Values;
        double Fringe(bool refine, ForegroundMethod method = ForegroundMethod.MultiLevel)
        {
            var path = folder.File($"refine-{refine}-{method}.png");
            BackgroundRemoval.RemoveBackground(session, input, path, true, MaskOptions.Default, MaskDetail.Standard,
                new CutoutOptions { Foreground = refine ? method : null, BackgroundColor = BackgroundColor.Parse("white") }, ImageLimits.DefaultMaxPixels, CancellationToken.None);
            var result = ImageDecoder.Decode(path).Pixels;
            double excess = 0;
            var count = 0;
            for (var i = 0; i < alpha.Length; i++)
            {
                if (alpha[i] is <= 12 or >= 243)
                    continue;
                var a = alpha[i] / 255.0;
                double Expected(int c) => a * cat.Pixels[i * 4 + c] + (1 - a) * 255;
                // Green above what red and blue say the pixel should be, beyond the cat's own green.
                var green = result[i * 4 + 1] - Expected(1);
                var others = (result[i * 4] - Expected(0) + result[i * 4 + 2] - Expected(2)) / 2;
                excess += Math.Max(0, green - others);
                count++;
            }
            return excess / count;
        }

        var naive = Fringe(refine: false);
        var fusion = Fringe(refine: true, ForegroundMethod.BlurFusion);
        var refined = Fringe(refine: true, ForegroundMethod.MultiLevel);
        output.WriteLine($"green fringe on white (mean excess green over the soft edge, levels): without estimation {naive:0.00}, blur fusion {fusion:0.00}, multi-level {refined:0.00}");
        Assert.True(naive > 3, $"the test needs a visible fringe to remove ({naive:0.00})");
        // With the model's alpha (not the true one) part of the fringe is the alpha's own error, which colour
        // estimation cannot undo.
        Assert.True(refined <= naive * 0.8, $"with estimation {refined:0.00} vs without {naive:0.00}");
        Assert.True(refined <= fusion, $"multi-level {refined:0.00} vs blur fusion {fusion:0.00}");
    }

    [Fact]
    public void A_large_JPEG_read_reduced_for_the_model_gives_the_full_decode_mask_at_full_size()
    {
        // The cat at 7x (3157x2100): the model is given the 1/2-scale DCT decode (1579x1050).
        using var folder = new TempFolder();
        var path = folder.File("large-cat.jpg");
        using (var small = SkiaSharp.SKBitmap.Decode(TestAssets.Photo("chelsea.png")))
        using (var large = small.Resize(new SkiaSharp.SKImageInfo(small.Width * 7, small.Height * 7), new SkiaSharp.SKSamplingOptions(SkiaSharp.SKCubicResampler.Mitchell)))
        using (var file = File.Create(path))
            Assert.True(large.Encode(file, SkiaSharp.SKEncodedImageFormat.Jpeg, 90));
        var full = ImageDecoder.Decode(path);
        Assert.True(BackgroundRemoval.DecodeForModel(session, path, ImageLimits.DefaultMaxPixels).IsReduced);

        var reducedMask = MaskOf(path);
        var fullMask = BackgroundRemoval.ComputeMask(session, full, MaskOptions.Default, CancellationToken.None);
        Assert.Equal((full.Width, full.Height), (reducedMask.Width, reducedMask.Height));
        double total = 0;
        var far = 0;
        for (var i = 0; i < fullMask.Values.Length; i++)
        {
            var d = Math.Abs(reducedMask.Values[i] - fullMask.Values[i]);
            total += d;
            far += d > 32 ? 1 : 0;
        }
        var mean = total / fullMask.Values.Length;
        output.WriteLine($"reduced vs full decode: mean |alpha difference| {mean:0.000} levels, {far * 100.0 / fullMask.Values.Length:0.000}% of pixels over 32 levels");
        Assert.True(mean < 1.0, $"mean alpha difference {mean:0.000} levels");
        Assert.True(far < fullMask.Values.Length / 500, $"{far} pixels differ by more than 32 levels");
    }

    [Fact]
    public void Cancelling_ends_a_running_inference_midway_and_the_session_stays_usable()
    {
        var image = ImageDecoder.Decode(TestAssets.Photo("chelsea.png"));
        using var input = session.Prepare(image, CancellationToken.None);
        // Cancel a quarter into a run: without ONNX Runtime's terminate flag it would complete and return.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        session.Infer(input, CancellationToken.None);
        using var cancel = new CancellationTokenSource(clock.Elapsed / 4);
        Assert.ThrowsAny<OperationCanceledException>(() => session.Infer(input, cancel.Token));
        Assert.Equal(1024, session.Infer(input, CancellationToken.None).Width);
    }
}
