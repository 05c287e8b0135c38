namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Filter taps for resampling one axis: for each destination index, the first source index and the
/// normalised weights of a triangle (bilinear) filter. When shrinking, the triangle is widened by the
/// scale factor so every source pixel contributes (antialiasing, as PIL's and torchvision's
/// antialiased bilinear do); when enlarging it is plain bilinear interpolation.
/// </summary>
internal sealed class AxisWeights
{
    public AxisWeights(int sourceSize, int destinationSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(destinationSize);
        SourceSize = sourceSize;
        DestinationSize = destinationSize;

        var scale = (double)sourceSize / destinationSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale; // triangle radius 1, stretched when shrinking
        TapsPerPixel = (int)Math.Ceiling(support) * 2 + 1;
        Starts = new int[destinationSize];
        Counts = new int[destinationSize];
        Weights = new float[destinationSize * TapsPerPixel];

        var w = new double[TapsPerPixel];
        for (var i = 0; i < destinationSize; i++)
        {
            var center = (i + 0.5) * scale;
            var first = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            var last = Math.Min((int)Math.Floor(center + support + 0.5), sourceSize);
            var count = Math.Min(last - first, TapsPerPixel);
            double total = 0;
            for (var k = 0; k < count; k++)
            {
                var t = Math.Abs((first + k - center + 0.5) / filterScale);
                w[k] = t < 1 ? 1 - t : 0;
                total += w[k];
            }
            if (total <= 0)
            {
                // Degenerate only at the very edge: fall back to the nearest source sample.
                first = Math.Clamp((int)center, 0, sourceSize - 1);
                count = 1;
                w[0] = total = 1;
            }
            Starts[i] = first;
            Counts[i] = count;
            var row = Weights.AsSpan(i * TapsPerPixel, TapsPerPixel);
            for (var k = 0; k < count; k++)
                row[k] = (float)(w[k] / total);
        }
    }

    public int SourceSize { get; }
    public int DestinationSize { get; }
    public int TapsPerPixel { get; }
    public int[] Starts { get; }
    public int[] Counts { get; }
    public float[] Weights { get; }
}
