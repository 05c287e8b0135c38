using RmbgPS.Engine;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;

namespace RmbgPS.Tests;

/// <summary>The real ISNet model (IMG.LY, fp16 weights) on real photos: the segmentation must be plausible.</summary>
public sealed class RealModelTests : IClassFixture<RealModelTests.Model>
{
    public sealed class Model
    {
        public ModelSession Session { get; } = new(new ModelLocation(TestAssets.IsnetModelPath, "test"), new DeviceSettings(), ExecutionDevice.Cpu);
    }

    private readonly ModelSession session;

    public RealModelTests(Model model) => session = model.Session;

    private AlphaMask MaskOf(string photo) =>
        BackgroundRemoval.ComputeMask(session, TestAssets.Photo(photo), MaskOptions.Default, ImageDecoder.DefaultMaxPixels, CancellationToken.None);

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
}
