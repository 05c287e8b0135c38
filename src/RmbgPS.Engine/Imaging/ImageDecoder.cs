using System.Runtime.InteropServices;
using SkiaSharp;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Imaging;

/// <summary>Decodes any format Skia knows (PNG, JPEG, WebP, GIF, BMP, ICO, WBMP, HEIF where the OS has it) to straight RGBA.</summary>
public static class ImageDecoder
{
    /// <summary>The file extensions of the formats the decoder reads (it goes by content, not name; this is for completion).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".jfif", ".webp", ".gif", ".bmp"];

    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    public static RgbaImage Decode(string path, long maxPixels = ImageLimits.DefaultMaxPixels) => Decode(path, maxPixels, 0, 0);

    /// <summary>An 8-bit grey picture (a mask's PNG) as one byte a pixel, row-major.</summary>
    public static (byte[] Gray, int Width, int Height) DecodeGray(byte[] encoded)
    {
        NativeLibraries.EnsureRegistered();
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("The bytes are not an image Skia can read.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        var gray = new byte[info.Width * info.Height];
        var result = DecodeInto(codec, info, gray);
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"The grey picture could not be decoded ({result}).");
        return (gray, info.Width, info.Height);
    }

    /// <summary>The picture's pixel count from its header alone, or null when the header cannot be read (the decode then says why).</summary>
    public static long? ReadPixelCount(string path)
    {
        NativeLibraries.EnsureRegistered();
        try
        {
            using var codec = SKCodec.Create(path);
            return codec is null ? null : (long)codec.Info.Width * codec.Info.Height;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Decodes for a model that takes <paramref name="width"/>x<paramref name="height"/>: a JPEG at least twice
    /// that size in both directions is decoded at 1/2, 1/4 or 1/8 scale by the codec's DCT scaling, the smallest
    /// that still covers the model's input, so a 12-MP photo becomes 12 MB of pixels instead of 48 and is read
    /// about three times faster. The result's <see cref="RgbaImage.OriginalWidth"/> and
    /// <see cref="RgbaImage.OriginalHeight"/> keep the full upright size, the size a mask must have. Other
    /// formats are decoded at full size.
    /// </summary>
    public static RgbaImage DecodeReduced(string path, long maxPixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return Decode(path, maxPixels, width, height);
    }

    private static RgbaImage Decode(string path, long maxPixels, int coverWidth, int coverHeight)
    {
        NativeLibraries.EnsureRegistered();
        using var file = OpenForRead(path);
        if (file.Length == 0)
            throw new FileException(FileErrorKind.NotAnImage, path, $"'{path}' is empty (0 bytes): it is not an image. Check that the file was copied completely.");

        using var skStream = new SKManagedStream(file);
        using var codec = SKCodec.Create(skStream, out var createResult);
        if (codec is null)
        {
            throw createResult == SKCodecResult.IncompleteInput && StartsLikeAnImage(path)
                ? new FileException(FileErrorKind.TruncatedImage, path, $"'{path}' ends before its image header does: the file is truncated. Copy or download it again.")
                : new FileException(FileErrorKind.NotAnImage, path, $"'{path}' is not an image in a format RmbgPS can read (PNG, JPEG, WebP, GIF, BMP). Check the file or convert it.");
        }

        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0)
            throw new FileException(FileErrorKind.CorruptImage, path, $"'{path}' declares an empty size ({width}x{height}): the file is corrupt.");
        if ((long)width * height > maxPixels)
            throw new FileException(FileErrorKind.ImageTooLarge, path,
                $"'{path}' is {width}x{height} ({(long)width * height / 1e6:0.#} MP), more than the {maxPixels / 1e6:0.#} MP limit. Downscale it first or raise the limit (-MaxMegapixels).");

        var origin = codec.EncodedOrigin;
        var turned = Orientation.SwapsAxes(origin);
        var (originalWidth, originalHeight) = turned ? (height, width) : (width, height);
        if (coverWidth > 0 && codec.EncodedFormat == SKEncodedImageFormat.Jpeg)
            (width, height) = ReducedSize(codec, turned ? coverHeight : coverWidth, turned ? coverWidth : coverHeight);

        // Decoding into sRGB makes Skia convert from an embedded ICC profile (Adobe RGB, Display P3, ...):
        // the model saw sRGB in training, and the output is written as sRGB.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, Srgb);
        var pixels = GC.AllocateUninitializedArray<byte>(checked(width * height * 4)); // every byte is decoded into
        var result = DecodeInto(codec, info, pixels);
        switch (result)
        {
            case SKCodecResult.Success:
                break;
            case SKCodecResult.IncompleteInput:
                throw new FileException(FileErrorKind.TruncatedImage, path, $"'{path}' is truncated: its image data ends early. Copy or download it again.");
            default:
                throw new FileException(FileErrorKind.CorruptImage, path, $"'{path}' could not be decoded ({result}): the image data is corrupt. Re-export or re-download it.");
        }

        var hasTransparency = codec.Info.AlphaType != SKAlphaType.Opaque && AnyTransparent(pixels);
        var notes = new List<string>();
        var warnings = new List<string>();
        if (codec.Info.ColorSpace is { IsSrgb: false })
            notes.Add("converted from its embedded colour profile to sRGB");
        if (codec.FrameCount > 1)
            warnings.Add($"'{path}' is animated ({codec.FrameCount} frames); only the first frame was used.");
        if (origin is not (SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default))
        {
            (pixels, width, height) = Orientation.ToUpright(pixels, width, height, origin);
            notes.Add($"{Orientation.Describe(origin)} as its EXIF orientation says");
        }
        return new RgbaImage(width, height, pixels, hasTransparency)
        {
            Notes = notes,
            Warnings = warnings,
            OriginalWidth = originalWidth,
            OriginalHeight = originalHeight,
        };
    }

    /// <summary>The smallest of the codec's DCT scales whose size still covers the given size (stored orientation).</summary>
    private static (int Width, int Height) ReducedSize(SKCodec codec, int coverWidth, int coverHeight)
    {
        var best = codec.Info.Size;
        foreach (var scale in (ReadOnlySpan<float>)[0.5f, 0.25f, 0.125f])
        {
            var size = codec.GetScaledDimensions(scale);
            if (size.Width < coverWidth || size.Height < coverHeight)
                break;
            best = size;
        }
        return (best.Width, best.Height);
    }

    /// <summary>
    /// Skia reports a short text file as "incomplete input" too; only a known image signature makes a
    /// file a truncated image rather than not an image at all.
    /// </summary>
    private static bool StartsLikeAnImage(string path)
    {
        Span<byte> head = stackalloc byte[12];
        int read;
        using (var file = File.OpenRead(path))
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        return head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }) || head.StartsWith(new byte[] { 0xFF, 0xD8 }) || head.StartsWith("GIF8"u8) || head.StartsWith("BM"u8)
            || (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8));
    }

    private static FileStream OpenForRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileException(FileErrorKind.FileNotFound, path, path.AsSpan().IndexOfAny("*?[]") >= 0
                ? $"Cannot find '{path}'. Check the path; use -LiteralPath if its name contains wildcard characters such as [ ]."
                : $"Cannot find '{path}': it was deleted or moved before it was processed, or the path is wrong.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FileException(FileErrorKind.AccessDenied, path, $"Access to '{path}' is denied. Check its permissions or run with an account that can read it.", e);
        }
        catch (IOException e)
        {
            throw new FileException(FileErrorKind.ReadFailed, path, $"Cannot read '{path}': {e.Message}", e);
        }
    }

    private static unsafe SKCodecResult DecodeInto(SKCodec codec, SKImageInfo info, byte[] pixels)
    {
        fixed (byte* p = pixels)
            return codec.GetPixels(info, (IntPtr)p);
    }

    private static bool AnyTransparent(byte[] pixels)
    {
        // Alpha is the top byte of each little-endian RGBA word.
        var words = MemoryMarshal.Cast<byte, uint>(pixels.AsSpan());
        const uint opaque = 0xFF000000u;
        foreach (var w in words)
            if ((w & opaque) != opaque)
                return true;
        return false;
    }
}
