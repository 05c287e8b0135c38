using RmbgPS.Engine.Imaging;
using SkiaSharp;

namespace RmbgPS.Tests;

/// <summary>Small images the tests draw themselves, and a scratch folder that cleans up after itself.</summary>
internal static class TestImages
{
    /// <summary>A black picture with a pure red rectangle: the synthetic "red = subject" model's ideal input.</summary>
    public static RgbaImage RedSquare(int width, int height, int x, int y, int w, int h)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
            pixels[i * 4 + 3] = 255;
        for (var yy = y; yy < y + h; yy++)
            for (var xx = x; xx < x + w; xx++)
                pixels[(yy * width + xx) * 4] = 255;
        return new RgbaImage(width, height, pixels, hasTransparency: false);
    }

    /// <summary>Red rises left to right 0..255, green and blue carry noise the synthetic model must ignore.</summary>
    public static RgbaImage RedGradient(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        var random = new Random(7);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                pixels[i] = (byte)(x * 255 / (width - 1));
                pixels[i + 1] = (byte)random.Next(256);
                pixels[i + 2] = (byte)random.Next(256);
                pixels[i + 3] = 255;
            }
        return new RgbaImage(width, height, pixels, hasTransparency: false);
    }

    public static string SavePng(RgbaImage image, string path)
    {
        using var file = File.Create(path);
        ImageEncoder.WritePng(file, image);
        return path;
    }

    public static string SaveJpeg(RgbaImage image, string path, int quality = 95)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, bitmap.GetPixels(), image.Pixels.Length);
        using var file = File.Create(path);
        bitmap.Encode(file, SKEncodedImageFormat.Jpeg, quality);
        return path;
    }
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rmbgps-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Leftover temporary files from atomic writes (hidden *.tmp): must always be none.</summary>
    public string[] TempFiles() => Directory.GetFiles(Path, ".*.tmp", SearchOption.AllDirectories);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
