using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>Applies a mask to an image as its alpha channel.</summary>
public static class Cutout
{
    /// <summary>
    /// A new image with the source's colours and alpha = source alpha x mask: a pixel that was
    /// transparent stays transparent whatever the model says.
    /// </summary>
    public static RgbaImage Apply(RgbaImage image, AlphaMask mask)
    {
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"The mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
        var source = image.Pixels;
        var alpha = mask.Values;
        var result = new byte[source.Length];
        var keepSourceAlpha = image.HasTransparency;
        Resampler.ForEachRowBlock(image.Height, (y0, y1) =>
        {
            var width = image.Width;
            for (var y = y0; y < y1; y++)
            {
                var src = source.AsSpan(y * width * 4, width * 4);
                var dst = result.AsSpan(y * width * 4, width * 4);
                var m = alpha.AsSpan(y * width, width);
                src.CopyTo(dst);
                for (var x = 0; x < width; x++)
                {
                    var a = m[x];
                    dst[x * 4 + 3] = keepSourceAlpha ? (byte)((src[x * 4 + 3] * a + 127) / 255) : a;
                }
            }
        });
        return new RgbaImage(image.Width, image.Height, result, hasTransparency: true);
    }
}
