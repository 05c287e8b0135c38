using SkiaSharp;

namespace RmbgPS.Engine.Imaging;

/// <summary>Output for cut-outs (straight RGBA as PNG, WebP or JPEG) and masks (8-bit grey PNG).</summary>
public static class ImageEncoder
{
    // zlib level 4 with all filters: files within a few percent of level 9, at a fraction of the time
    // on multi-megapixel images, where encoding would otherwise rival the model's own run.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.AllFilters, 4);

    public static void WritePng(Stream destination, RgbaImage image) => Write(destination, image, OutputFormat.Png, 100);

    /// <summary>Encodes straight RGBA as PNG, WebP (alpha kept; lossless at quality 100) or JPEG (the image must be opaque).</summary>
    public static void Write(Stream destination, RgbaImage image, OutputFormat format, int quality)
    {
        NativeLibraries.EnsureRegistered();
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        quality = Math.Clamp(quality, 1, 100);
        Encode(destination, info, image.Pixels, image.Width * 4, format switch
        {
            OutputFormat.WebP => (pixmap, stream) => pixmap.Encode(stream,
                new SKWebpEncoderOptions(quality == 100 ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, quality)),
            OutputFormat.Jpeg => (pixmap, stream) => pixmap.Encode(stream,
                new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            _ => PngEncode,
        });
    }

    public static void WriteGrayPng(Stream destination, byte[] gray, int width, int height)
    {
        NativeLibraries.EnsureRegistered();
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        Encode(destination, info, gray, width, PngEncode);
    }

    private static bool PngEncode(SKPixmap pixmap, SKWStream stream) => pixmap.Encode(stream, PngOptions);

    private static unsafe void Encode(Stream destination, SKImageInfo info, byte[] pixels, int rowBytes, Func<SKPixmap, SKWStream, bool> encode)
    {
        fixed (byte* p = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, rowBytes);
            using var wstream = new SKManagedWStream(destination);
            if (!encode(pixmap, wstream))
                throw new IOException($"The encoder rejected a {info.Width}x{info.Height} {info.ColorType} image.");
        }
    }
}
