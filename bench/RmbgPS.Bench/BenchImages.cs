using RmbgPS.Tests;
using SkiaSharp;

namespace RmbgPS.Bench;

/// <summary>
/// The benchmark's inputs, made the same way on every run: a real photo (the test cache's astronaut,
/// CC0 via scikit-image) upscaled with Skia's cubic filter, so the model sees a real subject at every size.
/// </summary>
internal static class BenchImages
{
    public sealed record Input(string Label, string Path, int Width, int Height)
    {
        public double Megapixels => Width * (double)Height / 1e6;
    }

    public static Input Make(string folder, string label, int width, int height, SKEncodedImageFormat format)
    {
        var extension = format == SKEncodedImageFormat.Png ? ".png" : ".jpg";
        var path = System.IO.Path.Combine(folder, $"{label}{extension}");
        if (!File.Exists(path))
        {
            using var source = SKBitmap.Decode(TestAssets.Photo("astronaut.png"));
            using var scaled = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                new SKSamplingOptions(SKCubicResampler.Mitchell));
            using var image = SKImage.FromBitmap(scaled);
            using var data = image.Encode(format, 92);
            var temp = path + ".tmp";
            using (var file = File.Create(temp))
                data.SaveTo(file);
            File.Move(temp, path, true);
        }
        return new Input(label, path, width, height);
    }

    /// <summary>Copies (hard links where possible would tie outputs to inputs) for a batch of distinct file names.</summary>
    public static string[] Batch(Input input, string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var paths = new string[count];
        for (var i = 0; i < count; i++)
        {
            paths[i] = System.IO.Path.Combine(folder, $"{input.Label}-{i:D3}{System.IO.Path.GetExtension(input.Path)}");
            if (!File.Exists(paths[i]))
                File.Copy(input.Path, paths[i]);
        }
        return paths;
    }
}
