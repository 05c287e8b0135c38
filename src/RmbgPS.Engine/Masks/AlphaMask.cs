using System.Numerics;
using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Masks;

/// <summary>An 8-bit alpha mask at an image's own size, with the figures a caller asserts on.</summary>
public sealed class AlphaMask
{
    public AlphaMask(int width, int height, byte[] values)
    {
        if (values.Length < (long)width * height)
            throw new ArgumentException("The mask buffer is smaller than width * height.", nameof(values));
        Width = width;
        Height = height;
        Values = values;
        (ForegroundRatio, Bounds) = Measure(values, width, height);
        cropBounds = new Lazy<MaskBounds?>(FindCropBounds);
    }

    private readonly Lazy<MaskBounds?> cropBounds;

    public int Width { get; }
    public int Height { get; }
    /// <summary>Row-major alpha, 0 (background) to 255 (subject).</summary>
    public byte[] Values { get; }
    /// <summary>Mean alpha over the image, 0..1: the share of the picture that is subject.</summary>
    public double ForegroundRatio { get; }
    /// <summary>The subject's bounding box (alpha at least 128), or null when there is no subject.</summary>
    public MaskBounds? Bounds { get; }
    /// <summary>
    /// What -Crop keeps: the subject's box (<see cref="Bounds"/>) and its soft edge, that is every pixel of at least
    /// <see cref="VisibleAlpha"/> within <see cref="SubjectReach"/> of that box; null when there is no subject. Faint
    /// alpha further out is the haze models leave across a background: counting it (as the box of every visible
    /// pixel did) let a crop reach every edge of the frame and crop nothing.
    /// </summary>
    public MaskBounds? CropBounds => cropBounds.Value;

    /// <summary>About 3%: fainter than this is not worth a wider crop.</summary>
    public const byte VisibleAlpha = 8;

    /// <summary>The smallest <see cref="SubjectReach"/>, for small subjects.</summary>
    private const int MinimumReach = 32;

    /// <summary>
    /// How far around the subject's box its soft edge may reach: a fifth of the box's larger side, at least
    /// <see cref="MinimumReach"/> pixels, so hair and strands seen only faintly are inside.
    /// </summary>
    public static int SubjectReach(MaskBounds subject) => Math.Max(MinimumReach, Math.Max(subject.Width, subject.Height) / 5);

    public byte this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
                throw new ArgumentOutOfRangeException(x < 0 || x >= Width ? nameof(x) : nameof(y), $"({x},{y}) is outside the {Width}x{Height} mask.");
            return Values[(long)y * Width + x];
        }
    }

    /// <summary>
    /// Builds the mask at the given size from a model-resolution plane of probabilities in [0,1] (row-major;
    /// only the first <paramref name="planeWidth"/> x <paramref name="planeHeight"/> values count).
    /// </summary>
    public static AlphaMask FromProbabilities(float[] values, int planeWidth, int planeHeight, int width, int height, MaskOptions options)
    {
        var count = planeWidth * planeHeight;
        if (options.Normalize)
            StretchToUnit(values.AsSpan(0, count));
        var alpha = new byte[(long)width * height];
        Resampler.PlaneToBytes(values, planeWidth, planeHeight, width, height, alpha);
        return Shape(alpha, width, height, options);
    }

    /// <summary>Applies the options' threshold, offset, blur and inversion to an alpha plane (in place) and measures it.</summary>
    public static AlphaMask Shape(byte[] alpha, int width, int height, MaskOptions options)
    {
        if (options.Threshold is { } threshold)
            ApplyThreshold(alpha, threshold);
        MaskFilters.Offset(alpha, width, height, options.Offset);
        MaskFilters.GaussianBlur(alpha, width, height, options.Blur);
        if (options.Invert)
            MaskFilters.Invert(alpha);
        return new AlphaMask(width, height, alpha);
    }

    public void WritePng(Stream destination) => ImageEncoder.WriteGrayPng(destination, Values, Width, Height);

    /// <summary>A mask as <see cref="WritePng"/> wrote it (a remote node sends it so), exactly.</summary>
    public static AlphaMask ReadPng(byte[] png)
    {
        var (gray, width, height) = ImageDecoder.DecodeGray(png);
        return new AlphaMask(width, height, gray);
    }

    /// <summary>Stretches values to span 0..1 by their own minimum and maximum (-Normalize, and profiles that ask for it).</summary>
    internal static void StretchToUnit(Span<float> values)
    {
        var min = TensorPrimitives.Min(values);
        var range = TensorPrimitives.Max(values) - min;
        if (range < 1e-6f)
            return;
        TensorPrimitives.Subtract(values, min, values);
        TensorPrimitives.Multiply(values, 1f / range, values);
    }

    private static void ApplyThreshold(byte[] alpha, float threshold)
    {
        // The cut sits where the soft alpha reaches the threshold; 0 keeps everything, 1 only full certainty.
        var cut = (byte)Math.Clamp(MathF.Round(threshold * 255f), 0, 255);
        foreach (ref var a in alpha.AsSpan())
            a = a >= cut ? (byte)255 : (byte)0;
    }

    private static (double Ratio, MaskBounds? Bounds) Measure(byte[] values, int width, int height)
    {
        long sum = 0;
        var half = new BoxBuilder(width);
        for (var y = 0; y < height; y++)
        {
            var row = values.AsSpan(y * width, width);
            sum += Sum(row);
            half.Add(row, 0, y, 128);
        }
        return (sum / (255.0 * width * height), half.Box);
    }

    /// <summary>The sum of a row's bytes, a vector at a time (a 12-MP mask's sum took 25 ms a byte at a time).</summary>
    private static long Sum(ReadOnlySpan<byte> row)
    {
        var total = 0L;
        var i = 0;
        while (i <= row.Length - Vector<byte>.Count)
        {
            // Sixteen-bit lanes take 128 vectors of two bytes each before they could overflow.
            var wide = Vector<ushort>.Zero;
            for (var n = 0; n < 128 && i <= row.Length - Vector<byte>.Count; n++, i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[i..]), out var low, out var high);
                wide += low + high;
            }
            Vector.Widen(wide, out var lowSums, out var highSums);
            total += Vector.Sum(lowSums + highSums);
        }
        for (; i < row.Length; i++)
            total += row[i];
        return total;
    }

    private MaskBounds? FindCropBounds()
    {
        if (Bounds is not { } subject)
            return null;
        var region = subject.Grow(SubjectReach(subject)).Within(Width, Height);
        var soft = new BoxBuilder(Width);
        for (var y = region.Y; y < region.Bottom; y++)
            soft.Add(Values.AsSpan(y * Width + region.X, region.Width), region.X, y, VisibleAlpha);
        return soft.Box; // holds the subject's box: its pixels are above the visible level
    }

    /// <summary>Grows a bounding box row by row over the pixels at or above a level.</summary>
    private struct BoxBuilder(int width)
    {
        private int left = width, right = -1, top = -1, bottom = -1;

        /// <summary>Adds the pixels of <paramref name="row"/>, which starts at column <paramref name="x"/> of row <paramref name="y"/>.</summary>
        public void Add(ReadOnlySpan<byte> row, int x, int y, byte level)
        {
            var first = row.IndexOfAnyInRange(level, (byte)255);
            if (first < 0)
                return;
            if (top < 0)
                top = y;
            bottom = y;
            left = Math.Min(left, x + first);
            right = Math.Max(right, x + row.LastIndexOfAnyInRange(level, (byte)255));
        }

        public readonly MaskBounds? Box => top < 0 ? null : new MaskBounds(left, top, right - left + 1, bottom - top + 1);
    }
}
