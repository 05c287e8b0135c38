using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Accelerator sessions run through tensors bound once per buffer set. The CPU provider runs bound tensors too, so the
/// bound path is checked here against the plain run, for fixed, dynamic and float16 outputs, image after image.
/// </summary>
public sealed class IoBindingTests : IDisposable
{
    private readonly SyntheticSessions sessions = new();

    public void Dispose() => sessions.Dispose();

    public static TheoryData<string> Shapes => ["fixed", "dynamic", "float16", "logits"];

    private static SyntheticModelSpec Spec(string shape)
    {
        var spec = shape == "logits" ? SyntheticModels.Rmbg2Logits(256) : SyntheticModels.IsnetRed(256);
        spec.DynamicSpatial = shape == "dynamic";
        spec.Float16Output = shape == "float16";
        return spec;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bound_runs_give_the_plain_runs_mask_exactly(string shape)
    {
        var plain = sessions.Open(Spec(shape));
        var bound = sessions.Open(Spec(shape), ioBinding: true);
        Assert.False(plain.UsesIoBinding);
        Assert.True(bound.UsesIoBinding);
        foreach (var image in new[] { TestImages.RedGradient(333, 222), TestImages.RedSquare(300, 200, 0, 0, 150, 200), TestImages.RedGradient(64, 640) })
        {
            var expected = BackgroundRemoval.ComputeMask(plain, image, MaskOptions.Default, CancellationToken.None).Values;
            Assert.Equal(expected, BackgroundRemoval.ComputeMask(bound, image, MaskOptions.Default, CancellationToken.None).Values);
        }
        // Concurrent images rent separate buffer sets, each with its own binding: a binding that read another set's input
        // would give another image's mask, so each image is different.
        var images = Enumerable.Range(0, 6).Select(i => TestImages.RedSquare(200, 100, 10 * i, 5 * i, 40 + 15 * i, 30 + 8 * i)).ToArray();
        var references = images.Select(i => BackgroundRemoval.ComputeMask(plain, i, MaskOptions.Default, CancellationToken.None).Values).ToArray();
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i =>
            Assert.Equal(references[i], BackgroundRemoval.ComputeMask(bound, images[i], MaskOptions.Default, CancellationToken.None).Values));
    }
}
