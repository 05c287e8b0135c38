using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Models;

/// <summary>How a model's raw output becomes a probability.</summary>
public enum OutputActivation
{
    /// <summary>The output already is a probability in [0,1].</summary>
    None,
    /// <summary>The output is a logit: apply the sigmoid.</summary>
    Sigmoid,
    /// <summary>
    /// Unknown until seen: treated as a probability unless the output leaves [0,1], after which the
    /// session applies the sigmoid from then on. RMBG-2.0 exports differ on whether the sigmoid is inside.
    /// </summary>
    Detect,
}

/// <summary>
/// Pre- and post-processing a model family expects: input size, how 0..255 RGB is normalised
/// (value * Scale[c] + Bias[c] for channel c), and what its output means.
/// </summary>
public sealed class ModelProfile
{
    public ModelProfile(string name, string description, int inputSize, float pixelScale, float[] mean, float[] std, OutputActivation activation)
    {
        Name = name;
        Description = description;
        InputSize = inputSize;
        Mean = mean;
        Std = std;
        Activation = activation;
        Scale = new float[3];
        Bias = new float[3];
        for (var c = 0; c < 3; c++)
        {
            Scale[c] = pixelScale / std[c];
            Bias[c] = -mean[c] / std[c];
        }
    }

    public string Name { get; }
    public string Description { get; }
    /// <summary>Square input size used when the model's own input shape is dynamic.</summary>
    public int InputSize { get; }
    public float[] Mean { get; }
    public float[] Std { get; }
    public OutputActivation Activation { get; }

    /// <summary>
    /// Divide each picture by its own brightest value instead of by the fixed pixel scale, before the mean and
    /// standard deviation (as rembg prepares every model it runs): a dark picture is brightened to full range.
    /// </summary>
    public bool ScalesByPictureMaximum { get; init; }

    /// <summary>Stretch each output to span 0..1 by its own minimum and maximum (rembg's post-processing).</summary>
    public bool StretchesOutput { get; init; }

    /// <summary>
    /// What the family's intermediate tensors hold at their peak on ONNX Runtime's CPU provider, per pixel of the model's
    /// input: the part of a model's memory that grows with -Resolution (<see cref="ModelFootprint"/>).
    /// </summary>
    public int ActivationBytesPerInputPixel { get; init; }

    internal float[] Scale { get; }
    internal float[] Bias { get; }

    /// <summary>What a profile that scales by the picture's maximum resamples with: the plain 0..255 values.</summary>
    private static readonly float[] Unscaled = [1f, 1f, 1f];
    private static readonly float[] Unbiased = [0f, 0f, 0f];

    /// <summary>Resizes a picture into the model's three input planes (<paramref name="width"/> x <paramref name="height"/> each), normalised.</summary>
    internal void ToPlanes(RgbaImage image, int width, int height, float[] planes)
    {
        if (!ScalesByPictureMaximum)
        {
            Resampler.RgbaToPlanes(image, width, height, planes, Scale, Bias);
            return;
        }
        Resampler.RgbaToPlanes(image, width, height, planes, Unscaled, Unbiased);
        NormaliseByMaximum(planes, width * height);
    }

    /// <summary>
    /// For <see cref="ScalesByPictureMaximum"/>: turns three planes of plain 0..255 values (each
    /// <paramref name="planeSize"/> long) into the model's input, divided by their maximum, then the mean and std.
    /// </summary>
    internal void NormaliseByMaximum(Span<float> planes, int planeSize)
    {
        var scale = 1f / MathF.Max(TensorPrimitives.Max(planes[..(3 * planeSize)]), 1e-6f);
        for (var c = 0; c < 3; c++)
        {
            var plane = planes.Slice(c * planeSize, planeSize);
            TensorPrimitives.Multiply(plane, scale / Std[c], plane);
            TensorPrimitives.Add(plane, -Mean[c] / Std[c], plane);
        }
    }

    public override string ToString() => Name;
}
