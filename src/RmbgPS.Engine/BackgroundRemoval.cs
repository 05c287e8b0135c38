using System.Diagnostics;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Engine;

/// <summary>What one image's background removal produced.</summary>
public sealed record RemovalOutcome(string InputPath, string OutputPath, int Width, int Height, double ForegroundRatio, MaskBounds? Bounds, TimeSpan Elapsed);

/// <summary>The per-image operations the cmdlets (and the benchmark) run: file in, mask or cut-out out.</summary>
public static class BackgroundRemoval
{
    public static AlphaMask ComputeMask(ModelSession session, RgbaImage image, MaskOptions options, CancellationToken cancellationToken)
    {
        using var plane = session.Predict(image, cancellationToken);
        return AlphaMask.FromProbabilities(plane, image.Width, image.Height, options);
    }

    /// <summary>Decodes a file and computes its mask.</summary>
    public static AlphaMask ComputeMask(ModelSession session, string inputPath, MaskOptions options, long maxPixels, CancellationToken cancellationToken)
    {
        var image = ImageDecoder.Decode(inputPath, maxPixels);
        cancellationToken.ThrowIfCancellationRequested();
        return ComputeMask(session, image, options, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="outputPath"/> as a PNG cut-out of <paramref name="inputPath"/>. Refuses to
    /// overwrite its input, and any existing file unless <paramref name="overwrite"/>; the file appears
    /// complete or not at all.
    /// </summary>
    public static RemovalOutcome RemoveBackground(ModelSession session, string inputPath, string outputPath, bool overwrite,
        MaskOptions options, long maxPixels, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var input = Path.GetFullPath(inputPath);
        var output = Path.GetFullPath(outputPath);
        if (string.Equals(input, output, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            throw new ImageException(ImageErrorKind.OutputIsInput, input, $"The output for '{input}' would overwrite the input itself. Choose another -OutputPath.");
        if (!overwrite && File.Exists(output))
            throw ImageException.OutputExists(output); // before decoding: no work wasted on a refused file

        var image = ImageDecoder.Decode(input, maxPixels);
        cancellationToken.ThrowIfCancellationRequested();
        var mask = ComputeMask(session, image, options, cancellationToken);
        var cutout = Cutout.Apply(image, mask);
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.Write(output, overwrite, stream => ImageEncoder.WritePng(stream, cutout), cancellationToken);
        return new RemovalOutcome(input, output, image.Width, image.Height, mask.ForegroundRatio, mask.Bounds, clock.Elapsed);
    }
}
