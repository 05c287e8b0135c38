using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Models of any input size: fixed 2048² ones, and free ones at -Resolution, their recommendation or the profile's 1024.</summary>
public sealed class InputSizeTests : IDisposable
{
    private readonly SyntheticSessions sessions = new();

    public void Dispose() => sessions.Dispose();

    private ModelSession Open(SyntheticModelSpec spec, int resolution = 0) => sessions.Open(spec, new EngineSettings { Resolution = resolution });

    /// <summary>The whole pipeline at the session's size: a red square's cut-out keeps the square and clears the rest; the tensors are the session's size.</summary>
    private void AssertCutsOutTheSquare(ModelSession session)
    {
        var image = TestImages.RedSquare(640, 480, 100, 80, 300, 200);
        using (var input = session.Prepare(image, CancellationToken.None))
            Assert.Equal(3 * session.InputWidth * session.InputHeight, input.Buffers.Planes.Length);
        var source = TestImages.SavePng(image, sessions.Folder.File($"{Guid.NewGuid():N}-in.png"));
        var outcome = BackgroundRemoval.RemoveBackground(session, source, sessions.Folder.File($"{Guid.NewGuid():N}.png"), false,
            MaskOptions.Default, MaskDetail.Standard, new CutoutOptions { Foreground = ForegroundMethod.MultiLevel }, ImageLimits.DefaultMaxPixels, CancellationToken.None);
        var cut = ImageDecoder.Decode(outcome.OutputPath);
        Assert.Equal(255, cut.Pixels[(200 * 640 + 250) * 4 + 3]); // inside the square
        Assert.Equal(0, cut.Pixels[(20 * 640 + 20) * 4 + 3]);     // outside
    }

    [Fact]
    public void A_model_with_a_fixed_2048_input_is_fed_2048_whatever_the_resolution_setting()
    {
        var session = Open(SyntheticModels.IsnetRed(2048), resolution: 1024);
        Assert.Equal((2048, 2048), (session.InputWidth, session.InputHeight));
        Assert.Contains("fixed by the model; -Resolution 1024 applies only to models with a free input size", session.InputSize.Reason);
        AssertCutsOutTheSquare(session);
    }

    [Theory]
    [InlineData(0, 1024, "the ISNet profile's default")]
    [InlineData(512, 512, "-Resolution 512")]
    [InlineData(1536, 1536, "-Resolution 1536")]
    public void A_free_input_size_comes_from_the_setting_else_the_profile(int resolution, int expected, string reason)
    {
        var spec = SyntheticModels.IsnetRed();
        spec.DynamicSpatial = true;
        var session = Open(spec, resolution);
        Assert.Equal((expected, expected), (session.InputWidth, session.InputHeight));
        Assert.Equal($"free in the model: {reason}", session.InputSize.Reason);
        AssertCutsOutTheSquare(session);
    }

    [Fact]
    public void A_free_model_may_recommend_its_own_size_and_a_setting_outside_the_steps_is_refused()
    {
        var spec = SyntheticModels.IsnetRed();
        spec.DynamicSpatial = true;
        spec.Metadata[InputSize.MetadataKey] = "768";
        var session = Open(spec);
        Assert.Equal((768, 768), (session.InputWidth, session.InputHeight));
        Assert.Contains("the model's recommendation", session.InputSize.Reason);

        var engine = new RmbgEngine();
        foreach (var bad in new[] { -32, 100, 1000, 8192 })
        {
            var refused = Assert.Throws<InvalidResolutionException>(() => engine.Configure(new EngineSettings { Resolution = bad }));
            Assert.Contains("multiple of 32", refused.Message);
            Assert.Equal(bad, refused.Resolution);
        }
        Assert.Equal(0, engine.Settings.Resolution);
        engine.Configure(new EngineSettings { Resolution = 2048 });
        Assert.Equal(2048, engine.Settings.Resolution);
    }
}
