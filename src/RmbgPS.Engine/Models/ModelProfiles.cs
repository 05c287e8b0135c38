namespace RmbgPS.Engine.Models;

/// <summary>The model families RmbgPS knows, with the processing their model cards and reference code use.</summary>
public static class ModelProfiles
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    private static readonly float[] Half = [0.5f, 0.5f, 0.5f];
    private static readonly float[] One = [1f, 1f, 1f];

    // Each family's intermediate tensors at their peak on ONNX Runtime 1.32's CPU provider, per pixel of the input: the
    // engine's own record of a model's first run less its weights, rounded up (2026-12-07, bench/README.md, issue 25):
    // RMBG-2.0's architecture 4313-4343 MB with 920 MB of weights at 1024x1024; the ISNet test model 1126-1164 MB with
    // 88 MB; u2netp 282-318 MB with 5 MB at 320x320 (u2net's wider layers likely hold more).
    private const int BiRefNetActivations = 3300;
    private const int IsnetActivations = 1000;
    private const int U2NetActivations = 3000;

    /// <summary>BRIA RMBG-2.0 (a BiRefNet): ImageNet mean/std; output `alphas`, sigmoid inside or not depending on the export.</summary>
    public static readonly ModelProfile Rmbg2 = new("RMBG2", "RMBG-2.0 (BiRefNet): /255, ImageNet mean/std, probability or logits (detected)",
        1024, 1f / 255f, ImageNetMean, ImageNetStd, OutputActivation.Detect) { ActivationBytesPerInputPixel = BiRefNetActivations };

    /// <summary>The BiRefNet project's own ONNX exports: ImageNet mean/std, logits out.</summary>
    public static readonly ModelProfile BiRefNet = new("BiRefNet", "BiRefNet ONNX: /255, ImageNet mean/std, logits (sigmoid applied)",
        1024, 1f / 255f, ImageNetMean, ImageNetStd, OutputActivation.Sigmoid) { ActivationBytesPerInputPixel = BiRefNetActivations };

    /// <summary>BRIA RMBG-1.4 (an ISNet): /255, mean 0.5, std 1; probability out.</summary>
    public static readonly ModelProfile Rmbg14 = new("RMBG14", "RMBG-1.4 (ISNet): /255, mean 0.5, std 1, probability",
        1024, 1f / 255f, Half, One, OutputActivation.None) { ActivationBytesPerInputPixel = IsnetActivations };

    /// <summary>IMG.LY's ISNet exports: (x - 128) / 256; probability out.</summary>
    public static readonly ModelProfile Isnet = new("ISNet", "ISNet (IMG.LY): (x-128)/256, probability",
        1024, 1f / 256f, Half, One, OutputActivation.None) { ActivationBytesPerInputPixel = IsnetActivations };

    /// <summary>
    /// U²-Net and its relatives as rembg runs them (u2net, u2netp, u2net_human_seg, silueta): 320x320, divided by the
    /// picture's maximum, ImageNet mean/std; the first output stretched to 0..1 by its own minimum and maximum.
    /// </summary>
    public static readonly ModelProfile U2Net = new("U2Net", "U²-Net (rembg): /picture's maximum, ImageNet mean/std, first output stretched to 0..1",
        320, 1f / 255f, ImageNetMean, ImageNetStd, OutputActivation.None) { ScalesByPictureMaximum = true, StretchesOutput = true, ActivationBytesPerInputPixel = U2NetActivations };

    /// <summary>
    /// DIS's ISNet as rembg runs isnet-general-use: 1024x1024, divided by the picture's maximum, mean 0.5, std 1; the first
    /// output stretched to 0..1. Beside <see cref="Isnet"/>'s (x - 128) / 256 the input differs only for pictures without a
    /// white pixel; the stretch is what makes rembg's masks, and so ours for the same name.
    /// </summary>
    public static readonly ModelProfile IsnetRembg = new("ISNetRembg", "ISNet as rembg runs isnet-general-use: /picture's maximum, mean 0.5, std 1, output stretched to 0..1",
        1024, 1f / 255f, Half, One, OutputActivation.None) { ScalesByPictureMaximum = true, StretchesOutput = true, ActivationBytesPerInputPixel = IsnetActivations };

    /// <summary>SkyTNT's anime ISNet as rembg runs isnet-anime: as <see cref="IsnetRembg"/> but centred on the ImageNet mean.</summary>
    public static readonly ModelProfile IsnetAnime = new("ISNetAnime", "ISNet as rembg runs isnet-anime: /picture's maximum, ImageNet mean, std 1, output stretched to 0..1",
        1024, 1f / 255f, ImageNetMean, One, OutputActivation.None) { ScalesByPictureMaximum = true, StretchesOutput = true, ActivationBytesPerInputPixel = IsnetActivations };

    public static IReadOnlyList<ModelProfile> All { get; } = [Rmbg2, BiRefNet, Rmbg14, Isnet, U2Net, IsnetRembg, IsnetAnime];

    /// <summary>Looks a profile up by name, forgiving case, dashes, dots and the usual aliases.</summary>
    public static ModelProfile? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return null;
        var key = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return key switch
        {
            "RMBG2" or "RMBG20" or "BRIARMBG2" or "BRIARMBG20" => Rmbg2,
            "BIREFNET" or "BIREFNETLITE" or "BIREFNETGENERAL" => BiRefNet,
            "RMBG14" or "RMBG1" or "BRIARMBG14" => Rmbg14,
            "ISNET" or "ISNETIMGLY" or "IMGLY" => Isnet,
            "U2NET" or "U2NETP" or "U2NETHUMANSEG" or "SILUETA" => U2Net,
            "ISNETREMBG" or "ISNETGENERALUSE" => IsnetRembg,
            "ISNETANIME" => IsnetAnime,
            _ => null,
        };
    }

    public static string KnownNames => string.Join(", ", All.Select(p => p.Name));
}
