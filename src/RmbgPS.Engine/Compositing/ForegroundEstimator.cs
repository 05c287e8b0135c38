using System.Buffers;
using System.Numerics.Tensors;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// Estimates the subject's own colour where the mask is partly transparent, so hair and fur do not carry
/// a fringe of the old background: "approximate fast foreground colour estimation" by blur fusion
/// (Forte and Pitié, ICIP 2021), two passes as in the reference code (box sizes 90 and 6). Each pass
/// blurs the colour of the subject and of the background separately (weighted by alpha and 1 - alpha)
/// and corrects the blurred subject colour by what the compositing equation I = aF + (1-a)B leaves.
/// Cost: a few box blurs per channel, linear in the pixel count.
/// </summary>
public static class ForegroundEstimator
{
    private const float Epsilon = 1e-5f;
    private const int WideRadius = 45;  // box of 90
    private const int NarrowRadius = 3; // box of 6

    /// <summary>
    /// Replaces the RGB of <paramref name="rgba"/> (straight RGBA, alpha already final) with the estimated
    /// foreground colour where 0 &lt; alpha &lt; 255; opaque pixels keep their colour exactly.
    /// </summary>
    public static void Refine(byte[] rgba, int width, int height)
    {
        var n = width * height;
        var pool = ArrayPool<float>.Shared;
        var alpha = pool.Rent(n);
        var wideAlpha = pool.Rent(n);
        var narrowAlpha = pool.Rent(n);
        var colour = pool.Rent(n);
        var subject = pool.Rent(n);
        var background = pool.Rent(n);
        var scratch = pool.Rent(n);
        try
        {
            var a = alpha.AsSpan(0, n);
            for (var i = 0; i < n; i++)
                a[i] = rgba[i * 4 + 3] * (1f / 255f);
            BoxBlur.Apply(alpha, wideAlpha, scratch, width, height, WideRadius);
            BoxBlur.Apply(alpha, narrowAlpha, scratch, width, height, NarrowRadius);

            for (var c = 0; c < 3; c++)
            {
                var image = colour.AsSpan(0, n);
                for (var i = 0; i < n; i++)
                    image[i] = rgba[i * 4 + c] * (1f / 255f);
                // Pass 1: F = B = I with the wide box; keeps the estimate F1 (subject) and the blurred background.
                Pass(colour, colour, colour, alpha, wideAlpha, subject, background, scratch, width, height, WideRadius);
                // Pass 2: F1 and the blurred background with the narrow box; the result lands in subject.
                Pass(colour, subject, background, alpha, narrowAlpha, subject, background, scratch, width, height, NarrowRadius);
                var f = subject.AsSpan(0, n);
                for (var i = 0; i < n; i++)
                {
                    var ai = rgba[i * 4 + 3];
                    if (ai is > 0 and < 255)
                        rgba[i * 4 + c] = (byte)(Math.Clamp(f[i], 0f, 1f) * 255f + 0.5f);
                }
            }
        }
        finally
        {
            foreach (var plane in new[] { alpha, wideAlpha, narrowAlpha, colour, subject, background, scratch })
                pool.Return(plane);
        }
    }

    /// <summary>
    /// One blur-fusion step: blurred F = blur(F a) / blur(a), blurred B = blur(B (1-a)) / blur(1-a), and
    /// F' = blurred F + a (I - a blurred F - (1-a) blurred B). Writes F' to <paramref name="subjectOut"/> and
    /// the blurred B to <paramref name="backgroundOut"/> (either may alias an input that is no longer needed).
    /// </summary>
    private static void Pass(float[] image, float[] subjectIn, float[] backgroundIn, float[] alpha, float[] blurredAlpha,
        float[] subjectOut, float[] backgroundOut, float[] scratch, int width, int height, int radius)
    {
        var n = width * height;
        var weighted = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var a = alpha.AsSpan(0, n);
            var ba = blurredAlpha.AsSpan(0, n);
            var w = weighted.AsSpan(0, n);

            // Background first: its input may alias subjectIn (pass 1), which the subject step still needs.
            var blurredBackground = ArrayPool<float>.Shared.Rent(n);
            try
            {
                var bb = blurredBackground.AsSpan(0, n);
                for (var i = 0; i < n; i++)
                    w[i] = backgroundIn[i] * (1f - a[i]);
                BoxBlur.Apply(weighted, blurredBackground, scratch, width, height, radius);
                for (var i = 0; i < n; i++)
                    bb[i] /= 1f - ba[i] + Epsilon;

                TensorPrimitives.Multiply(subjectIn.AsSpan(0, n), a, w);
                BoxBlur.Apply(weighted, weighted, scratch, width, height, radius);
                var fo = subjectOut.AsSpan(0, n);
                var image0 = image.AsSpan(0, n);
                for (var i = 0; i < n; i++)
                {
                    var bf = w[i] / (ba[i] + Epsilon);
                    var ai = a[i];
                    fo[i] = Math.Clamp(bf + ai * (image0[i] - ai * bf - (1f - ai) * bb[i]), 0f, 1f);
                }
                bb.CopyTo(backgroundOut.AsSpan(0, n));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(blurredBackground);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(weighted);
        }
    }
}
