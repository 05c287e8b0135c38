using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// The first, wide pass of blur fusion (box of 90 in the reference code) computed at a quarter of the
/// resolution: block means of alpha, I*alpha and I*(1-alpha), box-blurred with a quarter of the radius, and
/// divided into the blurred subject and background colours. Blurs that wide are smooth, so sampling them
/// back bilinearly loses nothing visible, and the pass costs a sixteenth of its full-resolution work and
/// memory (the full-resolution planes it replaced were most of a 12-MP batch's working set).
/// </summary>
internal sealed class WideEstimate
{
    public const int Scale = 4;
    /// <summary>45 / <see cref="Scale"/>, rounded: the reference's box of 90 at full resolution.</summary>
    public const int Radius = 11;
    private const float Epsilon = 1e-5f;

    private readonly int width;
    private readonly int height;
    private readonly float[][] subject;    // per channel: blur(I a) / blur(a)
    private readonly float[][] background; // per channel: blur(I (1-a)) / blur(1-a)
    private readonly int[] left;           // per full-resolution column: the low-resolution column before it
    private readonly float[] across;       // and the weight of the one after it

    private WideEstimate(int width, int height, float[][] subject, float[][] background, int fullWidth)
    {
        this.width = width;
        this.height = height;
        this.subject = subject;
        this.background = background;
        (left, across) = Interpolation(fullWidth, width);
    }

    /// <summary>Block means of the image at 1/<see cref="Scale"/>, blurred and divided.</summary>
    public static WideEstimate Compute(byte[] rgba, int fullWidth, int fullHeight)
    {
        var (w, h) = ((fullWidth + Scale - 1) / Scale, (fullHeight + Scale - 1) / Scale);
        var n = w * h;
        var alpha = new float[n];
        var subject = new[] { new float[n], new float[n], new float[n] };
        var background = new[] { new float[n], new float[n], new float[n] };
        RowBlocks.For(h, (ly0, ly1) =>
        {
            for (var ly = ly0; ly < ly1; ly++)
            {
                var rowTop = ly * Scale;
                var rows = Math.Min(Scale, fullHeight - rowTop);
                for (var lx = 0; lx < w; lx++)
                {
                    var columnLeft = lx * Scale;
                    var columns = Math.Min(Scale, fullWidth - columnLeft);
                    float sa = 0, f0 = 0, f1 = 0, f2 = 0, b0 = 0, b1 = 0, b2 = 0;
                    for (var y = rowTop; y < rowTop + rows; y++)
                        for (int x = 0, p = (y * fullWidth + columnLeft) * 4; x < columns; x++, p += 4)
                        {
                            var a = rgba[p + 3] * (1f / 255f);
                            var (r, g, b) = (rgba[p] * (1f / 255f), rgba[p + 1] * (1f / 255f), rgba[p + 2] * (1f / 255f));
                            sa += a;
                            f0 += r * a;
                            f1 += g * a;
                            f2 += b * a;
                            b0 += r - r * a;
                            b1 += g - g * a;
                            b2 += b - b * a;
                        }
                    var i = ly * w + lx;
                    var mean = 1f / (rows * columns);
                    alpha[i] = sa * mean;
                    (subject[0][i], subject[1][i], subject[2][i]) = (f0 * mean, f1 * mean, f2 * mean);
                    (background[0][i], background[1][i], background[2][i]) = (b0 * mean, b1 * mean, b2 * mean);
                }
            }
        });

        var scratch = new float[n];
        BoxBlur.Apply(alpha, alpha, scratch, w, h, Radius);
        for (var c = 0; c < 3; c++)
        {
            BoxBlur.Apply(subject[c], subject[c], scratch, w, h, Radius);
            BoxBlur.Apply(background[c], background[c], scratch, w, h, Radius);
            var (f, b) = (subject[c], background[c]);
            for (var i = 0; i < n; i++)
            {
                f[i] /= alpha[i] + Epsilon;
                b[i] /= 1f - alpha[i] + Epsilon;
            }
        }
        return new WideEstimate(w, h, subject, background, fullWidth);
    }

    /// <summary>The blurred subject and background of one channel along full-resolution row <paramref name="y"/>, columns x0.. (bilinear).</summary>
    public void SampleRow(int channel, int y, int x0, Span<float> subjectRow, Span<float> backgroundRow)
    {
        var (top, down) = Position(y, height);
        var bottom = Math.Min(top + 1, height - 1);
        var (f, b) = (subject[channel], background[channel]);
        var fTop = f.AsSpan(top * width, width);
        var fBottom = f.AsSpan(bottom * width, width);
        var bTop = b.AsSpan(top * width, width);
        var bBottom = b.AsSpan(bottom * width, width);
        for (var i = 0; i < subjectRow.Length; i++)
        {
            var l = left[x0 + i];
            var r = Math.Min(l + 1, width - 1);
            var t = across[x0 + i];
            var upper = fTop[l] + t * (fTop[r] - fTop[l]);
            var lower = fBottom[l] + t * (fBottom[r] - fBottom[l]);
            subjectRow[i] = upper + down * (lower - upper);
            upper = bTop[l] + t * (bTop[r] - bTop[l]);
            lower = bBottom[l] + t * (bBottom[r] - bBottom[l]);
            backgroundRow[i] = upper + down * (lower - upper);
        }
    }

    private static (int[] Left, float[] Weight) Interpolation(int full, int low)
    {
        var leftOf = new int[full];
        var weight = new float[full];
        for (var x = 0; x < full; x++)
            (leftOf[x], weight[x]) = Position(x, low);
        return (leftOf, weight);
    }

    /// <summary>Where full-resolution index <paramref name="x"/> falls between low-resolution sample centres (clamped at the ends).</summary>
    private static (int Left, float Weight) Position(int x, int low)
    {
        var at = (x + 0.5f) / Scale - 0.5f;
        if (at <= 0)
            return (0, 0);
        if (at >= low - 1)
            return (low - 1, 0);
        var l = (int)at;
        return (l, at - l);
    }
}
