using System.Buffers.Binary;
using RmbgPS.Engine.Imaging;
using SkiaSharp;

namespace RmbgPS.Tests;

/// <summary>Every kind of input photo decodes upright, in sRGB, to straight RGBA; files are made here, byte by byte where Skia cannot write them.</summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>40x20, red in the top-left 10x5 corner, blue elsewhere: any turn or flip moves the red.</summary>
    private static RgbaImage Marker()
    {
        var image = TestImages.RedSquare(40, 20, 0, 0, 10, 5);
        for (var i = 0; i < 40 * 20; i++)
            if (image.Pixels[i * 4] == 0)
                image.Pixels[i * 4 + 2] = 255;
        return image;
    }

    /// <summary>A JPEG with an EXIF APP1 segment holding only the orientation tag, right after SOI.</summary>
    private string JpegWithOrientation(RgbaImage image, int orientation)
    {
        var jpeg = File.ReadAllBytes(TestImages.SaveJpeg(image, folder.File("plain.jpg"), quality: 100));
        var tiff = new byte[] { (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, 0, 0, 0, 0 };
        var app1 = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Length;
        app1.AddRange([(byte)(length >> 8), (byte)length]);
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        var path = folder.File($"o{orientation}.jpg");
        File.WriteAllBytes(path, [.. jpeg[..2], .. app1, .. jpeg[2..]]);
        return path;
    }

    private static bool IsRed(RgbaImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 4;
        return image.Pixels[i] > 200 && image.Pixels[i + 2] < 60;
    }

    [Theory]
    [InlineData(1, 40, 20, 0, 0)]
    [InlineData(2, 40, 20, 39, 0)]
    [InlineData(3, 40, 20, 39, 19)]
    [InlineData(4, 40, 20, 0, 19)]
    [InlineData(5, 20, 40, 0, 0)]
    [InlineData(6, 20, 40, 19, 0)]
    [InlineData(7, 20, 40, 19, 39)]
    [InlineData(8, 20, 40, 0, 39)]
    public void EXIF_orientation_is_applied_so_the_picture_comes_out_as_viewers_show_it(int orientation, int width, int height, int redX, int redY)
    {
        var image = ImageDecoder.Decode(JpegWithOrientation(Marker(), orientation));
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(IsRed(image, redX, redY), $"orientation {orientation}: the red corner should be at ({redX},{redY})");
        Assert.False(IsRed(image, width - 1 - redX, height - 1 - redY));
        Assert.Equal(orientation == 1 ? 0 : 1, image.Notes.Count(n => n.Contains("EXIF orientation")));
    }

    /// <summary>A large <see cref="Marker"/>: 40x20 blocks of the marker, scaled up by <paramref name="factor"/>.</summary>
    private static RgbaImage LargeMarker(int factor)
    {
        var small = Marker();
        var (w, h) = (40 * factor, 20 * factor);
        var pixels = new byte[w * h * 4];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                small.Pixels.AsSpan(((y / factor) * 40 + x / factor) * 4, 4).CopyTo(pixels.AsSpan((y * w + x) * 4));
        return new RgbaImage(w, h, pixels, false);
    }

    [Theory]
    [InlineData(1, 256, 256, 1200, 600, 600, 300)] // 1/2 covers 256x256; 1/4 (300x150) would not
    [InlineData(1, 100, 100, 1200, 600, 300, 150)] // 1/4 covers 100x100; 1/8 (150x75) would not
    [InlineData(6, 256, 256, 600, 1200, 300, 600)] // turned by EXIF: the reduced picture is upright too
    [InlineData(1, 700, 700, 1200, 600, 1200, 600)] // no scale covers 700 rows: full size
    public void A_large_JPEG_is_decoded_for_the_model_at_the_smallest_DCT_scale_that_covers_its_input(
        int orientation, int modelWidth, int modelHeight, int width, int height, int reducedWidth, int reducedHeight)
    {
        var path = JpegWithOrientation(LargeMarker(30), orientation);
        var full = ImageDecoder.Decode(path);
        var reduced = ImageDecoder.DecodeReduced(path, ImageLimits.DefaultMaxPixels, modelWidth, modelHeight);

        Assert.Equal((width, height), (full.Width, full.Height));
        Assert.Equal((reducedWidth, reducedHeight), (reduced.Width, reduced.Height));
        Assert.Equal((width, height), (reduced.OriginalWidth, reduced.OriginalHeight));
        Assert.Equal(reducedWidth != width, reduced.IsReduced);
        Assert.False(full.IsReduced);
        // the red corner is where it is in the full picture, at the reduced scale
        Assert.True(IsRed(reduced, orientation == 6 ? reducedWidth - 2 : 1, 1));
        Assert.False(IsRed(reduced, orientation == 6 ? 1 : reducedWidth - 2, reducedHeight - 2));
    }

    [Fact]
    public void The_pixel_count_comes_from_the_header_alone_and_is_null_for_what_is_no_image()
    {
        var image = TestImages.RedSquare(640, 480, 10, 10, 20, 20);
        Assert.Equal(640L * 480, ImageDecoder.ReadPixelCount(TestImages.SaveJpeg(image, folder.File("count.jpg"))));
        Assert.Equal(640L * 480, ImageDecoder.ReadPixelCount(TestImages.SavePng(image, folder.File("count.png"))));
        File.WriteAllText(folder.File("notes.png"), "not an image");
        Assert.Null(ImageDecoder.ReadPixelCount(folder.File("notes.png")));
        Assert.Null(ImageDecoder.ReadPixelCount(folder.File("missing.png")));
    }

    [Fact]
    public void Formats_without_DCT_scaling_are_decoded_for_the_model_at_full_size()
    {
        var path = TestImages.SavePng(LargeMarker(30), folder.File("large.png"));
        var reduced = ImageDecoder.DecodeReduced(path, ImageLimits.DefaultMaxPixels, 100, 100);
        Assert.Equal((1200, 600), (reduced.Width, reduced.Height));
        Assert.False(reduced.IsReduced);
    }

    [Fact]
    public void An_embedded_colour_profile_is_converted_to_sRGB()
    {
        // A Display P3 picture: the same stored numbers mean more saturated colours than in sRGB.
        var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        var stored = new byte[] { 200, 60, 40, 255 };
        var path = folder.File("p3.png");
        var info = new SKImageInfo(1, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul, p3);
        using (var bitmap = new SKBitmap(info))
        {
            System.Runtime.InteropServices.Marshal.Copy(stored, 0, bitmap.GetPixels(), 4);
            using var file = File.Create(path);
            Assert.True(bitmap.Encode(file, SKEncodedImageFormat.Png, 100));
        }

        var decoded = ImageDecoder.Decode(path);
        // What the colour is in sRGB, by Skia's own colour management.
        var expected = new byte[4];
        unsafe
        {
            fixed (byte* s = stored)
            fixed (byte* d = expected)
            {
                using var source = new SKPixmap(info, (IntPtr)s, 4);
                Assert.True(source.ReadPixels(new SKImageInfo(1, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb()), (IntPtr)d, 4));
            }
        }
        Assert.True(Math.Abs(expected[0] - stored[0]) + Math.Abs(expected[1] - stored[1]) > 10, "P3 and sRGB must differ for this colour");
        for (var c = 0; c < 3; c++)
            Assert.InRange(decoded.Pixels[c] - expected[c], -1, 1);
        Assert.Contains(decoded.Notes, n => n.Contains("sRGB"));
    }

    [Fact]
    public void Grayscale_and_16_bit_PNGs_decode_to_RGBA()
    {
        var gray = folder.File("gray.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(4, 2, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(90, 90, 90));
            using var file = File.Create(gray);
            Assert.True(bitmap.Encode(file, SKEncodedImageFormat.Png, 100));
        }
        Assert.Equal(0, File.ReadAllBytes(gray)[25]); // IHDR colour type 0: greyscale
        var g = ImageDecoder.Decode(gray);
        Assert.Equal([90, 90, 90, 255], g.Pixels[..4]);

        var deep = folder.File("deep.png");
        File.WriteAllBytes(deep, PngFile.Build(4, 2, bitDepth: 16, colourType: 6, palette: null,
            row: Enumerable.Range(0, 4).SelectMany(_ => new byte[] { 0xC8, 0x00, 0x40, 0x00, 0x10, 0x00, 0x80, 0x00 }).ToArray()));
        var d = ImageDecoder.Decode(deep);
        Assert.Equal([200, 64, 16], d.Pixels[..3]);
        Assert.InRange(d.Pixels[3], 127, 129);
        Assert.True(d.HasTransparency);
    }

    [Fact]
    public void A_palette_PNG_with_a_transparent_entry_keeps_its_transparency()
    {
        var path = folder.File("palette.png");
        File.WriteAllBytes(path, PngFile.Build(4, 2, bitDepth: 8, colourType: 3, palette: [255, 0, 0, 0, 0, 255], row: [0, 1, 0, 1], transparency: [255, 0]));
        var image = ImageDecoder.Decode(path);
        Assert.Equal([255, 0, 0, 255], image.Pixels[..4]);
        Assert.Equal(0, image.Pixels[7]);
        Assert.True(image.HasTransparency);
    }

    [Fact]
    public void BMP_and_WebP_decode()
    {
        var bmp = folder.File("x.bmp");
        File.WriteAllBytes(bmp, Bmp24(3, 2, (x, y) => x == 0 && y == 0 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255)));
        var b = ImageDecoder.Decode(bmp);
        Assert.Equal((3, 2), (b.Width, b.Height));
        Assert.Equal([255, 0, 0, 255], b.Pixels[..4]);
        Assert.Equal([0, 0, 255, 255], b.Pixels[4..8]);

        var webp = folder.File("x.webp");
        using (var file = File.Create(webp))
            ImageEncoder.Write(file, Marker(), OutputFormat.WebP, 100);
        Assert.True(IsRed(ImageDecoder.Decode(webp), 0, 0));
    }

    [Fact]
    public void A_CMYK_JPEG_decodes_to_the_colours_another_decoder_gives()
    {
        // Go's own decoder test pair (tests/assets/images/SOURCES.md): a CMYK JPEG and Go's decoding of it as PNG.
        var images = Path.Combine(TestAssets.RepoRoot, "tests", "assets", "images");
        var cmyk = ImageDecoder.Decode(Path.Combine(images, "video-001.cmyk.jpeg"));
        var rgb = ImageDecoder.Decode(Path.Combine(images, "video-001.cmyk.png"));
        Assert.Equal((rgb.Width, rgb.Height), (cmyk.Width, cmyk.Height));
        double difference = 0;
        for (var i = 0; i < rgb.Pixels.Length; i += 4)
            for (var c = 0; c < 3; c++)
                difference += Math.Abs(cmyk.Pixels[i + c] - rgb.Pixels[i + c]);
        difference /= rgb.PixelCount * 3.0;
        Assert.True(difference < 3, $"mean difference {difference:0.0} levels: inverted or unconverted CMYK would be far off");
        Assert.False(cmyk.HasTransparency);
    }

    [Fact]
    public void An_animated_GIF_gives_its_first_frame_and_a_warning()
    {
        var path = folder.File("anim.gif");
        File.WriteAllBytes(path, GifFile.Animated());
        var image = ImageDecoder.Decode(path);
        Assert.Equal((2, 2), (image.Width, image.Height));
        Assert.Equal([255, 0, 0, 255], image.Pixels[..4]); // frame 1 is red, frame 2 would be blue
        Assert.Contains(image.Warnings, w => w.Contains("animated") && w.Contains("first frame") && w.Contains("anim.gif"));

        var still = folder.File("still.gif");
        File.WriteAllBytes(still, GifFile.Animated(frames: 1));
        Assert.Empty(ImageDecoder.Decode(still).Warnings);
    }

    // ---- files written by hand ----

    private static byte[] Bmp24(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var stride = (width * 3 + 3) & ~3;
        var size = 54 + stride * height;
        var bmp = new byte[size];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height); // positive: rows bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = colour(x, y);
                var o = 54 + (height - 1 - y) * stride + x * 3;
                (bmp[o], bmp[o + 1], bmp[o + 2]) = (b, g, r);
            }
        return bmp;
    }
}
