using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Tests.Onnx;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>The whole mask pipeline on synthetic models whose exact answer is known.</summary>
public sealed class ModelSessionTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private ModelSession Open(string name, SyntheticModelSpec spec, EngineSettings? settings = null) =>
        new(new ModelLocation(SyntheticModels.Write(folder, name, spec), "test"), settings ?? new EngineSettings(), ExecutionDevice.Cpu);

    private static AlphaMask Mask(ModelSession session, Engine.Imaging.RgbaImage image, MaskOptions? options = null) =>
        BackgroundRemoval.ComputeMask(session, image, options ?? MaskOptions.Default, CancellationToken.None);

    [Theory]
    [InlineData("isnet")]
    [InlineData("rmbg2")]
    public void Each_profile_normalises_so_its_model_sees_the_right_values(string which)
    {
        // The models undo their profile's normalisation: a wrong mean/std would shift every value.
        var session = Open(which, which == "isnet" ? SyntheticModels.IsnetRed() : SyntheticModels.Rmbg2Red());
        var image = TestImages.RedGradient(1024, 8);
        var mask = Mask(session, image);

        for (var x = 0; x < 1024; x += 31)
            Assert.InRange(mask[x, 4], image.Pixels[(4 * 1024 + x) * 4] - 1, image.Pixels[(4 * 1024 + x) * 4] + 1);
        Assert.Equal(which == "isnet" ? "ISNet" : "RMBG2", session.Profile.Name);
        Assert.False(session.OutputIsLogits);
    }

    [Fact]
    public void Logits_from_an_rmbg2_export_are_detected_and_put_through_the_sigmoid()
    {
        var session = Open("rmbg2-logits", SyntheticModels.Rmbg2Logits());
        var image = TestImages.RedGradient(1024, 4);
        var mask = Mask(session, image);

        Assert.True(session.OutputIsLogits);
        foreach (var x in new[] { 0, 300, 512, 700, 1023 })
        {
            var v = image.Pixels[(2 * 1024 + x) * 4] / 255.0;
            var expected = 255 / (1 + Math.Exp(-10 * (v - 0.5)));
            Assert.InRange(mask[x, 2], expected - 1.5, expected + 1.5);
        }
    }

    [Fact]
    public void BiRefNet_exports_always_get_the_sigmoid()
    {
        var session = Open("birefnet", SyntheticModels.BiRefNetLogits());
        var mask = Mask(session, TestImages.RedSquare(64, 64, 0, 0, 32, 64));
        Assert.Equal("BiRefNet", session.Profile.Name);
        Assert.InRange(mask[10, 10], 250, 255); // sigmoid(5)
        Assert.InRange(mask[50, 10], 0, 3);     // sigmoid(-5)
    }

    [Fact]
    public void The_mask_comes_back_at_the_original_size_with_soft_edges()
    {
        var session = Open("isnet", SyntheticModels.IsnetRed());
        var image = TestImages.RedSquare(640, 427, 200, 100, 240, 200);
        var mask = Mask(session, image);

        Assert.Equal((640, 427), (mask.Width, mask.Height));
        Assert.Equal(255, mask[320, 200]);
        Assert.Equal(0, mask[5, 5]);
        Assert.Equal(new MaskBounds(200, 100, 240, 200), mask.Bounds);
        Assert.InRange(mask.ForegroundRatio, 240.0 * 200 / (640 * 427) - 0.01, 240.0 * 200 / (640 * 427) + 0.01);
        // Two resamplings blur the square's border: a nearest-neighbour mask would have no grey at all.
        Assert.Contains(mask.Values, a => a is > 20 and < 235);
    }

    [Fact]
    public void Threshold_gives_a_hard_mask_and_normalize_stretches_a_faint_one()
    {
        var session = Open("isnet", SyntheticModels.IsnetRed());
        var image = TestImages.RedGradient(256, 16);
        var hard = Mask(session, image, new MaskOptions { Threshold = 0.5f });
        Assert.All(hard.Values, a => Assert.True(a is 0 or 255));
        Assert.Equal(0, hard[100, 8]);
        Assert.Equal(255, hard[160, 8]);

        // Red at most 100: raw alpha tops out near 100, stretched it reaches 255.
        var faint = TestImages.RedGradient(256, 16);
        for (var i = 0; i < faint.Pixels.Length; i += 4)
            faint.Pixels[i] = (byte)(faint.Pixels[i] * 100 / 255);
        Assert.InRange(Mask(session, faint).Values.Max(), 95, 105);
        Assert.InRange(Mask(session, faint, new MaskOptions { Normalize = true }).Values.Max(), 250, 255);
    }

    [Fact]
    public void Tensor_names_and_shapes_come_from_the_model()
    {
        var spec = SyntheticModels.IsnetRed(512);
        spec.ExtraOutputs = true;            // intermediate outputs listed before the real one
        spec.OutputWithoutChannelAxis = true; // [1,H,W]
        var session = Open("shapes", spec);
        Assert.Equal(("input", "output"), (session.InputName, session.OutputName));
        Assert.Equal((512, 512), (session.InputWidth, session.InputHeight));
        Assert.Equal(255, Mask(session, TestImages.RedSquare(100, 100, 0, 0, 100, 100))[50, 50]);
    }

    [Fact]
    public void A_dynamic_input_uses_the_profile_size_and_float16_outputs_are_read()
    {
        var spec = SyntheticModels.IsnetRed();
        spec.DynamicSpatial = true;
        spec.Float16Output = true;
        var session = Open("dynamic", spec);
        Assert.Equal(1024, session.InputWidth);
        var mask = Mask(session, TestImages.RedSquare(300, 200, 0, 0, 150, 200));
        Assert.Equal(255, mask[20, 100]);
        Assert.Equal(0, mask[280, 100]);
    }

    [Fact]
    public void Concurrent_predictions_on_one_session_agree()
    {
        var session = Open("isnet", SyntheticModels.IsnetRed());
        var image = TestImages.RedGradient(333, 222);
        var expected = Mask(session, image).Values;
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 3 }, _ =>
            Assert.Equal(expected, Mask(session, image).Values));
    }

    [Fact]
    public void A_cancelled_token_stops_the_prediction()
    {
        var session = Open("isnet", SyntheticModels.IsnetRed());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BackgroundRemoval.ComputeMask(session, TestImages.RedGradient(64, 64), MaskOptions.Default, cts.Token));
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_a_clear_error()
    {
        var path = folder.File("broken.onnx");
        File.WriteAllText(path, "this is not protobuf");
        var e = Assert.Throws<InvalidDataException>(() => new ModelSession(new ModelLocation(path, "test"), new EngineSettings(), ExecutionDevice.Cpu));
        Assert.Contains(path, e.Message);
    }
}
