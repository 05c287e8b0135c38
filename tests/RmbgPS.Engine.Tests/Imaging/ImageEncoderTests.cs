using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests.Imaging;

/// <summary>Encoding keeps alpha in PNG and WebP; JPEG is opaque.</summary>
public sealed class ImageEncoderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(OutputFormat.Png)]
    [InlineData(OutputFormat.WebP)]
    public void PNG_and_WebP_keep_alpha_and_JPEG_is_opaque(OutputFormat format)
    {
        var image = TestImages.RedSquare(32, 32, 8, 8, 16, 16);
        for (var i = 0; i < 32 * 32; i++)
            image.Pixels[i * 4 + 3] = image.Pixels[i * 4] == 255 ? (byte)255 : (byte)0;
        var path = folder.File("x" + OutputFormats.Extension(format));
        using (var file = File.Create(path))
            ImageEncoder.Write(file, image, format, 100);
        var back = ImageDecoder.Decode(path);
        Assert.True(back.HasTransparency);
        Assert.Equal(0, back.Pixels[3]);
        Assert.Equal(255, back.Pixels[(16 * 32 + 16) * 4 + 3]);
        Assert.Equal(image.Pixels, back.Pixels); // PNG and lossless WebP: exact

        var jpeg = folder.File("x.jpg");
        using (var file = File.Create(jpeg))
            ImageEncoder.Write(file, Backgrounds.OverColour(image, BackgroundColor.Parse("white")), OutputFormat.Jpeg, 90);
        Assert.False(ImageDecoder.Decode(jpeg).HasTransparency);
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(jpeg)[..2]);
    }
}
