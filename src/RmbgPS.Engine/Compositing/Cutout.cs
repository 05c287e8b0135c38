using System.Numerics;
using System.Runtime.InteropServices;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Compositing;

/// <summary>Applies a mask to an image as its alpha channel, and the output options after it.</summary>
public static class Cutout
{
    /// <summary>
    /// The image's own buffer becomes the cut-out: alpha = source alpha x mask, so a pixel that was
    /// transparent stays transparent whatever the model says.
    /// </summary>
    private static RgbaImage ApplyInPlace(RgbaImage image, AlphaMask mask)
    {
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"The mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
        var (pixels, alpha, width) = (image.Pixels, mask.Values, image.Width);
        var keepSourceAlpha = image.HasTransparency;
        RowBlocks.For(image.Height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
            {
                var row = pixels.AsSpan(y * width * 4, width * 4);
                var m = alpha.AsSpan(y * width, width);
                if (keepSourceAlpha)
                    for (var x = 0; x < width; x++)
                        row[x * 4 + 3] = (byte)((row[x * 4 + 3] * m[x] + 127) / 255);
                else
                    for (var x = 0; x < width; x++)
                        row[x * 4 + 3] = m[x];
            }
        });
        return new RgbaImage(image.Width, image.Height, pixels, hasTransparency: true);
    }

    /// <summary>The size <see cref="Compose"/> will produce for this mask (checked against format limits before any work).</summary>
    public static (int Width, int Height) OutputSize(AlphaMask mask, CutoutOptions options) =>
        CropBox(mask, options) is { } box ? (box.Width, box.Height) : (mask.Width, mask.Height);

    /// <summary>
    /// The part of the picture -Crop keeps (<see cref="AlphaMask.CropBounds"/>) with the padding around it, inside the
    /// frame unless <see cref="CutoutOptions.PadBeyondFrame"/> asks for more; null when not cropping or nothing was found.
    /// </summary>
    public static MaskBounds? CropBox(AlphaMask mask, CutoutOptions options)
    {
        if (!options.Crop || mask.CropBounds is not { } kept)
            return null;
        var padded = kept.Grow(options.Padding);
        return options.PadBeyondFrame ? padded : padded.Within(mask.Width, mask.Height);
    }

    /// <summary>
    /// The cut-out with the options applied in order: foreground colour, crop and padding, background.
    /// Consumes <paramref name="image"/>: its buffer is reused for the result.
    /// </summary>
    public static RgbaImage Compose(RgbaImage image, AlphaMask mask, CutoutOptions options)
    {
        var cut = ApplyInPlace(image, mask);
        if (options.Foreground is { } method)
            ForegroundEstimator.Refine(cut.Pixels, cut.Width, cut.Height, method);
        if (CropBox(mask, options) is { } box)
            cut = Crop(cut, box);
        // A picture first, then the colour under whatever the picture leaves transparent.
        if (options.BackgroundPicture is { } picture)
            cut = Backgrounds.OverPicture(cut, picture);
        if (options.BackgroundColor is { } colour && cut.HasTransparency) // an opaque picture left nothing to show it
            cut = Backgrounds.OverColour(cut, colour);
        if (options.BackgroundPicture is null && options.BackgroundColor is null) // "over" already clears what stays fully clear
            ClearHiddenColour(cut.Pixels);
        return cut;
    }

    /// <summary>
    /// Sets fully transparent pixels to transparent black. Their colour is invisible, but the old
    /// background kept there made a 12-MP PNG 45% larger and twice as slow to encode.
    /// </summary>
    internal static void ClearHiddenColour(byte[] rgba)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(rgba.AsSpan());
        var alphaBits = new Vector<uint>(BitConverter.IsLittleEndian ? 0xFF000000u : 0x000000FFu);
        var i = 0;
        for (; i <= pixels.Length - Vector<uint>.Count; i += Vector<uint>.Count)
        {
            var block = new Vector<uint>(pixels[i..]);
            Vector.ConditionalSelect(Vector.Equals(block & alphaBits, Vector<uint>.Zero), Vector<uint>.Zero, block).CopyTo(pixels[i..]);
        }
        for (; i < pixels.Length; i++)
            if ((pixels[i] & alphaBits[0]) == 0)
                pixels[i] = 0;
    }

    /// <summary>The box's part of the picture; what lies outside the frame is transparent.</summary>
    public static RgbaImage Crop(RgbaImage image, MaskBounds box)
    {
        var (x0, y0, width, height) = box;
        var result = new byte[(long)width * height * 4];
        var fromX = Math.Max(0, x0);
        var toX = Math.Min(image.Width, x0 + width);
        for (var y = Math.Max(0, y0); y < Math.Min(image.Height, y0 + height); y++)
            image.Pixels.AsSpan((y * image.Width + fromX) * 4, (toX - fromX) * 4)
                .CopyTo(result.AsSpan(((y - y0) * width + fromX - x0) * 4));
        return new RgbaImage(width, height, result, hasTransparency: true);
    }
}
