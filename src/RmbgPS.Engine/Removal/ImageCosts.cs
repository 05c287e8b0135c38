using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>
/// What one image holds in memory at its peak while it is in flight, from its pixel count and the model's input,
/// for the batch's admission (<see cref="ImageBatch"/>). Measured, not derived: see the figures beside each constant.
/// </summary>
public static class ImageCosts
{
    /// <summary>
    /// A cut-out's bytes per input pixel outside the edge-colour solver: the decoded RGBA (4, composed in place) and
    /// the mask (1), plus the garbage a finished stage leaves until the next collection (9): one 12-MP cut-out in flight
    /// added about 260 MB to the working set, garbage included (2026-12-06, bench/README.md).
    /// </summary>
    private const int CutoutBytesPerPixel = 14;
    /// <summary>Multi-level edge colour: 60 bytes a pixel over a strip of 256 rows plus 64 rows of context each side.</summary>
    private const int MultiLevelStripBytesPerPixel = 60;
    private const int MultiLevelStripRows = 256 + 2 * 64;
    /// <summary>Blur fusion's six float planes over a strip of 256 rows plus its margin.</summary>
    private const int BlurFusionStripBytesPerPixel = 24;
    private const int BlurFusionStripRows = 256 + 2 * 3;
    /// <summary>A mask's bytes per input pixel: the full-size alpha (1) and the shaping filters' scratch plane (1).</summary>
    private const int MaskBytesPerPixel = 2;

    /// <summary>The session's own buffers for one image: the input tensor and the output plane, as floats.</summary>
    public static long ModelBuffers(ModelSession session) => (long)session.InputWidth * session.InputHeight * 4 * 4;

    public static long Cutout(long pixels, ModelSession session, CutoutOptions options)
    {
        var width = (long)Math.Sqrt(pixels * 3.0 / 2); // the strip's width; a 3:2 photo's, as most are
        var strip = options.Foreground switch
        {
            null => 0,
            ForegroundMethod.MultiLevel => width * Math.Min(pixels / Math.Max(1, width), MultiLevelStripRows) * MultiLevelStripBytesPerPixel,
            _ => width * Math.Min(pixels / Math.Max(1, width), BlurFusionStripRows) * BlurFusionStripBytesPerPixel,
        };
        return pixels * CutoutBytesPerPixel + strip + ModelBuffers(session);
    }

    /// <summary>A mask reads its picture reduced to about the model's size (whole for a second look), and makes the mask at full size.</summary>
    public static long Mask(long pixels, ModelSession session, MaskDetail detail)
    {
        var decoded = detail == MaskDetail.High ? pixels : Math.Min(pixels, 4L * session.InputWidth * session.InputHeight);
        return decoded * 4 + pixels * MaskBytesPerPixel + ModelBuffers(session);
    }
}
