using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using SkiaSharp;

namespace RmbgPS.Tests.Imaging;

/// <summary>Our PNG writer (zlib-ng at level 4 on .NET 9 and later): lossless, readable by Skia, and no larger than Skia's own encoder.</summary>
public sealed class PngWriterTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void On_this_runtime_the_engine_writes_PNG_through_zlib_ng()
    {
        Assert.True(Environment.Version.Major >= 9, "the tests run on .NET 9 or later");
        Assert.True(PngWriter.IsAvailable);
        // Cut-outs and masks both take that path: the encoder's bytes are the writer's, not Skia's.
        var image = Cut("chelsea.png", 64, 48);
        using var ours = new MemoryStream();
        PngWriter.Write(ours, image.Pixels, 64, 48, 4);
        using var cutOut = new MemoryStream();
        ImageEncoder.WritePng(cutOut, image);
        Assert.Equal(ours.ToArray(), cutOut.ToArray());
        var grey = image.Pixels.Where((_, i) => i % 4 == 3).ToArray();
        using var oursGrey = new MemoryStream();
        PngWriter.Write(oursGrey, grey, 64, 48, 1);
        using var mask = new MemoryStream();
        ImageEncoder.WriteGrayPng(mask, grey, 64, 48);
        Assert.Equal(oursGrey.ToArray(), mask.ToArray());
    }

    [Theory]
    [InlineData("chelsea.png", 451, 300)]
    [InlineData("chelsea.png", 1, 1)]
    [InlineData("astronaut.png", 512, 512)]
    [InlineData("astronaut.png", 37, 3)]
    public void A_cut_out_comes_back_pixel_for_pixel(string photo, int width, int height)
    {
        var image = Cut(photo, width, height);
        var path = folder.File("cut.png");
        using (var file = File.Create(path))
            ImageEncoder.WritePng(file, image);
        var back = ImageDecoder.Decode(path);
        Assert.Equal((width, height), (back.Width, back.Height));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void Skias_encoder_kept_for_NET_8_writes_the_same_pixels()
    {
        var image = Cut("chelsea.png", 451, 300);
        var path = folder.File("skia.png");
        using (var file = File.Create(path))
            ImageEncoder.WriteWithSkia(file, image, OutputFormat.Png, 100);
        Assert.Equal(image.Pixels, ImageDecoder.Decode(path).Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // .NET 8's path
    public void A_grey_mask_comes_back_pixel_for_pixel(bool withSkia)
    {
        var image = Cut("astronaut.png", 512, 512);
        var grey = new byte[512 * 512];
        for (var i = 0; i < grey.Length; i++)
            grey[i] = image.Pixels[i * 4 + 3];
        using var file = new MemoryStream();
        if (withSkia)
            ImageEncoder.WriteGrayPngWithSkia(file, grey, 512, 512);
        else
            ImageEncoder.WriteGrayPng(file, grey, 512, 512);
        using var bitmap = SKBitmap.Decode(file.ToArray());
        Assert.Equal(SKColorType.Gray8, bitmap.ColorType);
        Assert.Equal(grey, bitmap.Bytes);
    }

    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(5, 0, 0)]
    [InlineData(5, 5, 99)] // a buffer shorter than 5x5x4
    public void A_picture_it_cannot_write_is_refused_before_any_byte(int width, int height, int length)
    {
        using var file = new MemoryStream();
        Assert.ThrowsAny<ArgumentException>(() => PngWriter.Write(file, new byte[length], width, height, 4));
        Assert.Equal(0, file.Length);
    }

    [Fact]
    public void Its_files_are_the_size_of_Skias_at_the_same_filter()
    {
        // zlib-ng finds a little less in some pictures and more in others (-8% to +4% on real cut-outs, +0.2% in all; +2.5% in all on these).
        var (ours, skia) = (0L, 0L);
        foreach (var photo in new[] { "astronaut.png", "chelsea.png", "coffee.png", "horse.png", "messi5.jpg" })
        {
            var cut = Cut(photo);
            using var file = new MemoryStream();
            ImageEncoder.WritePng(file, cut);
            var theirs = SkiaPng(cut);
            Assert.True(file.Length <= theirs * 1.05, $"{photo}: ours {file.Length} bytes, Skia's {theirs}");
            (ours, skia) = (ours + file.Length, skia + theirs);
        }
        Assert.True(ours <= skia * 1.03, $"ours {ours} bytes in all, Skia's {skia}");
    }

    /// <summary>The photo's top-left corner (the whole photo by default) with a soft-edged disk as its alpha, the hidden colour cleared as a cut-out's is.</summary>
    private static RgbaImage Cut(string photo, int width = 0, int height = 0)
    {
        var source = ImageDecoder.Decode(TestAssets.Photo(photo));
        (width, height) = width == 0 ? (source.Width, source.Height) : (width, height);
        var pixels = new byte[width * height * 4];
        var radius = Math.Min(width, height) * 0.4;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (i, from) = ((y * width + x) * 4, (y * source.Width + x) * 4);
                source.Pixels.AsSpan(from, 3).CopyTo(pixels.AsSpan(i));
                var distance = Math.Sqrt(Math.Pow(x - width / 2.0, 2) + Math.Pow(y - height / 2.0, 2));
                pixels[i + 3] = (byte)Math.Clamp((radius - distance) * 40 + 128, 0, 255);
            }
        Cutout.ClearHiddenColour(pixels);
        return new RgbaImage(width, height, pixels, hasTransparency: true);
    }

    /// <summary>Skia's PNG of the same pixels, as the engine writes it on .NET 8 (the Up filter, zlib level 4).</summary>
    private static long SkiaPng(RgbaImage image)
    {
        using var file = new MemoryStream();
        ImageEncoder.WriteWithSkia(file, image, OutputFormat.Png, 100);
        return file.Length;
    }
}
