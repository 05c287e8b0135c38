using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// A model whose batch axis is free runs the images waiting for it together, as one [N,3,H,W] tensor (on accelerators;
/// forced on here, on the CPU provider), and each image gets exactly the mask a run of its own gives.
/// </summary>
public sealed class StackedRunTests : IDisposable
{
    private readonly SyntheticSessions sessions = new();

    public void Dispose() => sessions.Dispose();

    private static readonly RgbaImage[] Images =
        [TestImages.RedGradient(333, 222), TestImages.RedSquare(300, 200, 0, 0, 150, 200), TestImages.RedGradient(64, 640), TestImages.RedGradient(200, 100), TestImages.RedSquare(50, 50, 10, 10, 20, 20)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Images_waiting_together_run_as_one_tensor_and_each_gets_its_own_mask(bool float16Output)
    {
        var spec = SyntheticModels.Rmbg2Logits(128); // the sigmoid is applied per image after the stacked run
        spec.DynamicBatch = true;
        spec.Float16Output = float16Output;
        var single = sessions.Open(spec);
        var stacked = sessions.Open(spec, stacking: true);
        Assert.False(single.StacksImages); // the CPU does not stack unless told
        Assert.True(stacked.StacksImages);
        var expected = Images.Select(i => BackgroundRemoval.ComputeMask(single, i, MaskOptions.Default, CancellationToken.None).Values).ToList();

        // Hold the model thread, line up more images than one stack takes, then let it go.
        using var held = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var holder = Task.Run(() => stacked.Runner.Run(() => { held.Set(); gate.Wait(); }, CancellationToken.None));
        List<Task<byte[]>> masks;
        try
        {
            Assert.True(held.Wait(TimeSpan.FromSeconds(30)), "the model thread did not take the holding request");
            masks = Images.Select(i => Task.Run(() => BackgroundRemoval.ComputeMask(stacked, i, MaskOptions.Default, CancellationToken.None).Values)).ToList();
            SpinWait.SpinUntil(() => stacked.Runner.Waiting == Images.Length, TimeSpan.FromSeconds(30));
            Assert.Equal(Images.Length, stacked.Runner.Waiting);
        }
        finally
        {
            gate.Set(); // never leave the model thread blocked, whatever failed above
        }
        await Task.WhenAll([holder, .. masks]).WaitAsync(TimeSpan.FromSeconds(60));

        for (var i = 0; i < Images.Length; i++)
            Assert.Equal(expected[i], await masks[i]);
        // Five waiting images: one stacked run of four, then the fifth alone.
        Assert.Equal(1, stacked.StackedRuns);
        Assert.Equal(2, stacked.RunStatistics.Count);
    }

    [Fact]
    public void A_fixed_batch_axis_never_stacks()
    {
        Assert.False(sessions.Open(SyntheticModels.IsnetRed(64), stacking: true).StacksImages);
    }
}
