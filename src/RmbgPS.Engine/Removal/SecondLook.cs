using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>
/// The second look at the subject (-Detail High, <see cref="MaskDetail.High"/>), as BiRefNet's author suggests for large photos: the
/// model sees a 12-MP photo at about a quarter of its width, so thin strands fall below its resolution. After the
/// first run, the subject's box (with a margin) is cut from the full-size picture and run through the model at its
/// own size; inside that box the second mask replaces the first, blended over a short ramp at the box's inner edges
/// so no seam shows, and the rest keeps the first.
/// </summary>
internal static class SecondLook
{
    /// <summary>The width of the blend from the first mask to the second at the box's inner edges.</summary>
    private const int Ramp = 16;
    /// <summary>A box this close to the whole picture gains too little detail to be worth a second run.</summary>
    private const double LargestShare = 0.8;

    /// <summary>The mask of <paramref name="image"/> (full size, not reduced) with a second look where it helps; what it did goes to <paramref name="notes"/>.</summary>
    public static AlphaMask Compute(ModelSession session, RgbaImage image, MaskOptions options, List<string> notes,
        StageTimes stages, CancellationToken cancellationToken)
    {
        if (image.Width <= session.InputWidth && image.Height <= session.InputHeight)
        {
            notes.Add($"no second look: the model already sees the whole {image.Width}x{image.Height} picture at full resolution");
            return BackgroundRemoval.LookOnce(session, image, options, stages, cancellationToken);
        }
        var raw = options.Unshaped;
        var first = BackgroundRemoval.LookOnce(session, image, raw, stages, cancellationToken);
        if (first.Bounds is not { } subject)
        {
            notes.Add("no second look: the first found no subject");
            return AlphaMask.Shape(first.Values, first.Width, first.Height, options);
        }
        // The subject's box with its reach (AlphaMask.SubjectReach). On the detail benchmark this box cut the band error
        // by 39% where the box of everything visible (alpha 8 and up, which takes in the model's faint noise) cut it by 31%.
        var box = subject.Grow(AlphaMask.SubjectReach(subject)).Within(image.Width, image.Height);
        if ((double)box.Width * box.Height >= LargestShare * image.Width * image.Height)
        {
            notes.Add($"no second look: the subject's box {box} is nearly the whole picture, which the model saw already");
            return AlphaMask.Shape(first.Values, first.Width, first.Height, options);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var second = BackgroundRemoval.LookOnce(session, Cutout.Crop(image, box), raw, stages, cancellationToken);
        Merge(first.Values, image.Width, image.Height, second.Values, box);
        notes.Add($"second look at the subject's box {box}, seen at {session.InputWidth}x{session.InputHeight}");
        return AlphaMask.Shape(first.Values, image.Width, image.Height, options);
    }

    /// <summary>
    /// Puts the second mask into the first inside the box. Near the box's edges inside the picture the two are blended
    /// by distance (none of the second at the edge, all of it <see cref="Ramp"/> pixels in); at the picture's own edges
    /// there is nothing to blend with, and the second counts fully.
    /// </summary>
    internal static void Merge(byte[] first, int width, int height, byte[] second, MaskBounds box)
    {
        int Distance(int position, int start, int length, int limit) =>
            Math.Min(start == 0 ? int.MaxValue : position - start, start + length == limit ? int.MaxValue : start + length - 1 - position);
        RowBlocks.For(box.Height, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
            {
                var row = box.Y + y;
                var fromTopOrBottom = Distance(row, box.Y, box.Height, height);
                for (var x = 0; x < box.Width; x++)
                {
                    var distance = Math.Min(fromTopOrBottom, Distance(box.X + x, box.X, box.Width, width));
                    var i = row * width + box.X + x;
                    var s = second[y * box.Width + x];
                    first[i] = distance >= Ramp ? s : (byte)((s * distance + first[i] * (Ramp - distance) + Ramp / 2) / Ramp);
                }
            }
        });
    }
}
