using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Synthetic models whose output is exactly the red channel / 255 once the right profile's
/// normalisation is undone: for each profile, weight = std / pixelScale-normalised slope, bias = mean.
/// </summary>
internal static class SyntheticModels
{
    public static SyntheticModelSpec IsnetRed(int size = 1024) => SyntheticModelSpec.IsnetRed(size);

    /// <summary>RMBG-2.0 normalises v to (v/255 - 0.485)/0.229; this model maps that back to v/255.</summary>
    public static SyntheticModelSpec Rmbg2Red(int size = 1024) => new()
    {
        Size = size,
        InputName = "pixel_values",
        OutputName = "alphas",
        ChannelWeights = [0.229f, 0, 0],
        Bias = 0.485f,
    };

    /// <summary>RMBG-2.0 input, but the output is a logit 10*(v/255 - 0.5): the profile must detect it and apply the sigmoid.</summary>
    public static SyntheticModelSpec Rmbg2Logits(int size = 1024) => new()
    {
        Size = size,
        InputName = "pixel_values",
        OutputName = "alphas",
        ChannelWeights = [10f * 0.229f, 0, 0],
        Bias = 10f * (0.485f - 0.5f),
    };

    /// <summary>BiRefNet's own export: logits 10*(v/255 - 0.5), always put through the sigmoid.</summary>
    public static SyntheticModelSpec BiRefNetLogits(int size = 1024) => new()
    {
        Size = size,
        InputName = "input_image",
        OutputName = "output_image",
        ChannelWeights = [10f * 0.229f, 0, 0],
        Bias = 10f * (0.485f - 0.5f),
    };

    public static string Write(TempFolder folder, string name, SyntheticModelSpec spec) =>
        SyntheticModel.Write(folder.File(name + ".onnx"), spec);
}
