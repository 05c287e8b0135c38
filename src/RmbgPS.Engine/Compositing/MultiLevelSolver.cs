using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// Multi-level foreground estimation (Germer, Uelwer, Conrad and Harmeling, "Fast Multi-Level Foreground Estimation",
/// ICPR 2020; the method of pymatting's estimate_foreground_ml) on one rectangle of pixels. For each pixel it solves the
/// 2x2 system that balances the compositing equation I = aF + (1-a)B against smoothness of F and B towards the four
/// neighbours, weighted by how little alpha changes between them (plus a small regularisation). It starts on a 1x1
/// image and doubles the size level by level to the full one, so colour travels far on the coarse levels for the
/// few iterations the fine ones get (10 up to 32 pixels, 2 above, as the paper).
/// Each iteration updates the pixels of one chequerboard colour and then of the other (red-black Gauss-Seidel): every
/// update uses only pixels of the other colour, so rows run in parallel and the result does not depend on how (the
/// vector path's four-lane loads also read a pixel of the same colour in their unused fourth lane, never its value).
/// </summary>
public sealed class MultiLevelSolver
{
    public const float Regularization = 1e-5f;
    private const int SmallIterations = 10;
    private const int BigIterations = 2;
    private const int SmallSize = 32;

    // At full size: the rectangle's colours (RGB interleaved, 0..1), alpha, and the estimates being solved.
    private readonly float[] image;
    private readonly float[] alpha;
    private readonly float[] foreground;
    private readonly float[] background;
    // The coarser levels' inputs and the last level's result: a level below the full size has at most about half its
    // pixels, so these are sized by need, not by the full size (60 bytes a full-size pixel in all, not 80).
    private float[] levelImage = [], levelAlpha = [], previousForeground = [], previousBackground = [];
    private readonly ActiveRuns activeRuns = new();
    // Each level's source column for its columns: from the full size and from the level below, reused between pictures.
    private int[] fullColumns = [], previousColumns = [];

    /// <summary>A solver for rectangles of up to <paramref name="pixels"/> pixels: fill <see cref="Image"/> and <see cref="Alpha"/> row-major at the rectangle's width, then <see cref="Solve"/>.</summary>
    public MultiLevelSolver(int pixels)
    {
        image = GC.AllocateUninitializedArray<float>(pixels * 3);
        alpha = GC.AllocateUninitializedArray<float>(pixels);
        // One float more: the vector path's load of the last pixel, as a neighbour, reads four lanes.
        foreground = GC.AllocateUninitializedArray<float>(pixels * 3 + 1);
        background = GC.AllocateUninitializedArray<float>(pixels * 3 + 1);
    }

    /// <summary>
    /// Solvers not in use, kept for the next image: a 12-MP photo's solver holds about 100 MB, and one made afresh for
    /// every image of a batch left that much garbage each time. Reusing them took a 20-image 12-MP batch's peak from
    /// 1638 to 1646 MB down to 1555 to 1579, at the same speed (2026-12-07, bench/README.md). A batch gives them back
    /// when it ends (<see cref="ReleaseIdle"/>), so an idle session does not hold them.
    /// </summary>
    private static readonly ConcurrentBag<MultiLevelSolver> Idle = [];

    /// <summary>A solver for at least <paramref name="pixels"/> pixels: an idle one when one is large enough, else a new one. Give it back with <see cref="Return"/>.</summary>
    public static MultiLevelSolver Rent(int pixels)
    {
        while (Idle.TryTake(out var solver))
            if (solver.Capacity >= pixels)
                return solver;
        return new MultiLevelSolver(pixels); // the smaller idle ones taken on the way are dropped
    }

    public static void Return(MultiLevelSolver solver) => Idle.Add(solver);

    /// <summary>Drops the idle solvers (all of a batch's are idle once it ends).</summary>
    public static void ReleaseIdle() => Idle.Clear();

    /// <summary>The largest rectangle, in pixels, this solver takes.</summary>
    public int Capacity => alpha.Length;

    private static float[] Ensure(float[] array, int size) => array.Length >= size ? array : GC.AllocateUninitializedArray<float>(size);

    /// <summary>Solve a channel at a time everywhere, as without vectors (for tests: both paths give the same bits).</summary>
    internal bool ByChannel { get; init; } = !Vector128.IsHardwareAccelerated;

    public float[] Image => image;
    public float[] Alpha => alpha;

    /// <summary>The estimated foreground, RGB interleaved, 0..1, valid after <see cref="Solve"/>.</summary>
    public float[] Foreground => foreground;

    public void Solve(int width, int height)
    {
        if ((long)width * height > alpha.Length)
            throw new ArgumentOutOfRangeException(nameof(width), "The rectangle is larger than the solver was made for.");
        var levels = (int)Math.Ceiling(Math.Log2(Math.Max(2, Math.Max(width, height))));
        int Size(int full, int level) => Math.Max(1, (int)Math.Round(Math.Pow(full, level / (double)levels)));
        // The largest coarse level is the one below the full size: sized for it once, the smaller ones fit.
        var below = Size(width, levels - 1) * Size(height, levels - 1);
        (levelImage, levelAlpha) = (Ensure(levelImage, below * 3), Ensure(levelAlpha, below));
        (previousForeground, previousBackground) = (Ensure(previousForeground, below * 3), Ensure(previousBackground, below * 3));
        var (previousWidth, previousHeight) = (0, 0);
        for (var level = 0; level <= levels; level++)
        {
            var (w, h) = (Size(width, level), Size(height, level));
            var top = level == levels; // the full size: w == width, h == height
            var (levelColours, levelAlphas) = (image, alpha);
            if (!top)
            {
                MapColumns(ref fullColumns, width, w);
                ResizeNearest(image, width, height, levelImage, w, h, 3, fullColumns);
                ResizeNearest(alpha, width, height, levelAlpha, w, h, 1, fullColumns);
                (levelColours, levelAlphas) = (levelImage, levelAlpha);
            }
            if (level == 0)
            {
                // Nothing coarser to start from: the image's own colour, for both.
                levelColours.AsSpan(0, w * h * 3).CopyTo(foreground);
                levelColours.AsSpan(0, w * h * 3).CopyTo(background);
            }
            else
            {
                MapColumns(ref previousColumns, previousWidth, w);
                ResizeNearest(previousForeground, previousWidth, previousHeight, foreground, w, h, 3, previousColumns);
                ResizeNearest(previousBackground, previousWidth, previousHeight, background, w, h, 3, previousColumns);
            }
            var iterations = w <= SmallSize && h <= SmallSize ? SmallIterations : BigIterations;
            if (top)
                activeRuns.Find(alpha, w, h);
            for (var i = 0; i < iterations; i++)
            {
                Sweep(levelColours, levelAlphas, w, h, 0, top ? activeRuns : null);
                Sweep(levelColours, levelAlphas, w, h, 1, top ? activeRuns : null);
            }
            if (top)
                break; // the result is in the full-size planes
            foreground.AsSpan(0, w * h * 3).CopyTo(previousForeground);
            background.AsSpan(0, w * h * 3).CopyTo(previousBackground);
            (previousWidth, previousHeight) = (w, h);
        }
    }

    /// <summary>
    /// One half-iteration: the pixels with (x + y) % 2 == parity, each from its four neighbours (clamped at the border).
    /// On the full-size level only the <paramref name="active"/> pixels: those wholly subject or wholly background with
    /// neighbours alike are left alone. Only the soft band's colours are used, two iterations reach a few pixels into
    /// the flat parts, and those keep what the level below found, which is most of the pixels and of the work.
    /// </summary>
    private void Sweep(float[] img, float[] a, int w, int h, int parity, ActiveRuns? active)
    {
        var (f, b, byChannel) = (foreground, background, ByChannel);
        RowBlocks.For(h, (y0, y1) =>
        {
            Span<int> whole = [0, w];
            for (var y = y0; y < y1; y++)
            {
                var up = Math.Max(0, y - 1) * w;
                var down = Math.Min(h - 1, y + 1) * w;
                var row = y * w;
                var runs = active is null ? whole : active.Row(y);
                for (var r = 0; r < runs.Length; r += 2)
                    for (var x = runs[r] + ((y + parity - runs[r]) & 1); x < runs[r + 1]; x += 2)
                    {
                        var (i, left, right) = (row + x, row + Math.Max(0, x - 1), row + Math.Min(w - 1, x + 1));
                        // The last column is solved a channel at a time: the vector path's four-lane read of its own
                        // colour would run past the end of the image on the last row.
                        if (byChannel || x == w - 1)
                            UpdateByChannel(img, a, f, b, i, left, right, up + x, down + x);
                        else
                            Update(img, a, f, b, i, left, right, up + x, down + x);
                    }
            }
        });
    }

    /// <summary>The 2x2 system's inverse for one pixel from its and its neighbours' alpha.</summary>
    private readonly record struct Weights(float A0, float A1, float Left, float Right, float Up, float Down, float M00, float M01, float M11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Weights WeightsAt(float[] alphas, int i, int left, int right, int upper, int lower)
    {
        ref var a = ref MemoryMarshal.GetArrayDataReference(alphas);
        var a0 = Unsafe.Add(ref a, i);
        var (aLeft, aRight, aUp, aDown) = (Unsafe.Add(ref a, left), Unsafe.Add(ref a, right), Unsafe.Add(ref a, upper), Unsafe.Add(ref a, lower));
        var a1 = 1f - a0;
        var dl = Regularization + Math.Abs(a0 - aLeft);
        var dr = Regularization + Math.Abs(a0 - aRight);
        var du = Regularization + Math.Abs(a0 - aUp);
        var dd = Regularization + Math.Abs(a0 - aDown);
        var sum = dl + dr + du + dd;
        var a00 = a0 * a0 + sum;
        var a01 = a0 * a1;
        var a11 = a1 * a1 + sum;
        var inverse = 1f / (a00 * a11 - a01 * a01);
        return new Weights(a0, a1, dl, dr, du, dd, a11 * inverse, -a01 * inverse, a00 * inverse);
    }

    /// <summary>
    /// Solves pixel <paramref name="i"/> (not in the last column) from the neighbours at the indices given, its three
    /// channels as one vector of four lanes (the fourth is the next pixel's red, read, never used or written). The lanes do the scalar path's
    /// arithmetic in its order, so the results are the same to the bit; this is the hot loop, without bounds checks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float[] img, float[] alphas, float[] fs, float[] bs, int i, int left, int right, int upper, int lower)
    {
        var k = WeightsAt(alphas, i, left, right, upper, lower);
        ref var f = ref MemoryMarshal.GetArrayDataReference(fs);
        ref var b = ref MemoryMarshal.GetArrayDataReference(bs);
        var colour = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(img), (nuint)(i * 3));
        var (dl, dr, du, dd) = (Vector128.Create(k.Left), Vector128.Create(k.Right), Vector128.Create(k.Up), Vector128.Create(k.Down));
        var b0 = Vector128.Create(k.A0) * colour + dl * Vector128.LoadUnsafe(ref f, (nuint)(left * 3)) + dr * Vector128.LoadUnsafe(ref f, (nuint)(right * 3))
                 + du * Vector128.LoadUnsafe(ref f, (nuint)(upper * 3)) + dd * Vector128.LoadUnsafe(ref f, (nuint)(lower * 3));
        var b1 = Vector128.Create(k.A1) * colour + dl * Vector128.LoadUnsafe(ref b, (nuint)(left * 3)) + dr * Vector128.LoadUnsafe(ref b, (nuint)(right * 3))
                 + du * Vector128.LoadUnsafe(ref b, (nuint)(upper * 3)) + dd * Vector128.LoadUnsafe(ref b, (nuint)(lower * 3));
        var (m00, m01, m11) = (Vector128.Create(k.M00), Vector128.Create(k.M01), Vector128.Create(k.M11));
        StoreRgb(ref Unsafe.Add(ref f, i * 3), Clamp(m00 * b0 + m01 * b1));
        StoreRgb(ref Unsafe.Add(ref b, i * 3), Clamp(m01 * b0 + m11 * b1));
    }

    /// <summary>
    /// Writes the first three lanes only, as eight bytes and four. A 16-byte store would also cover the next pixel's
    /// red, which the next update's 16-byte load of its left neighbour overlaps only in part: the processor cannot
    /// forward such a store to the load and stalls, which cost about a tenth of the solver's time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRgb(ref float destination, Vector128<float> value)
    {
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref destination), value.AsUInt64().ToScalar());
        Unsafe.Add(ref destination, 2) = value.GetElement(2);
    }

    /// <summary>As <c>Math.Clamp(v, 0, 1)</c> for every value the solver meets (they differ only for -0 and NaN, which bytes over 255 never give).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Clamp(Vector128<float> value) => Vector128.Min(Vector128.Max(value, Vector128<float>.Zero), Vector128<float>.One);

    /// <summary><see cref="Update"/> a channel at a time, for the last column and for machines without vectors (<see cref="ByChannel"/>).</summary>
    private static void UpdateByChannel(float[] img, float[] alphas, float[] fs, float[] bs, int i, int left, int right, int upper, int lower)
    {
        var k = WeightsAt(alphas, i, left, right, upper, lower);
        for (var c = 0; c < 3; c++)
        {
            var colour = img[i * 3 + c];
            var b0 = k.A0 * colour + k.Left * fs[left * 3 + c] + k.Right * fs[right * 3 + c] + k.Up * fs[upper * 3 + c] + k.Down * fs[lower * 3 + c];
            var b1 = k.A1 * colour + k.Left * bs[left * 3 + c] + k.Right * bs[right * 3 + c] + k.Up * bs[upper * 3 + c] + k.Down * bs[lower * 3 + c];
            fs[i * 3 + c] = Math.Clamp(k.M00 * b0 + k.M01 * b1, 0f, 1f);
            bs[i * 3 + c] = Math.Clamp(k.M01 * b0 + k.M11 * b1, 0f, 1f);
        }
    }

    /// <summary>Each of <paramref name="w"/> columns' nearest source column, into <paramref name="map"/> (grown when too short).</summary>
    private static void MapColumns(ref int[] map, int sourceWidth, int w)
    {
        if (map.Length < w)
            map = new int[w];
        for (var x = 0; x < w; x++)
            map[x] = Math.Min(sourceWidth - 1, (int)((long)x * sourceWidth / w));
    }

    /// <summary>Nearest-neighbour resize, as the method defines its pyramid (a blend would mix subject and background colours); 3 channels or 1.</summary>
    private static void ResizeNearest(float[] source, int sourceWidth, int sourceHeight, float[] destination, int w, int h, int channels, int[] columns)
    {
        RowBlocks.For(h, (y0, y1) =>
        {
            for (var y = y0; y < y1; y++)
            {
                var sy = Math.Min(sourceHeight - 1, (int)((long)y * sourceHeight / h));
                var from = source.AsSpan(sy * sourceWidth * channels, sourceWidth * channels);
                var to = destination.AsSpan(y * w * channels, w * channels);
                if (channels == 1)
                    for (var x = 0; x < w; x++)
                        to[x] = from[columns[x]];
                else
                    for (int x = 0, o = 0; x < w; x++, o += 3)
                    {
                        var at = columns[x] * 3;
                        (to[o], to[o + 1], to[o + 2]) = (from[at], from[at + 1], from[at + 2]);
                    }
            }
        });
    }
}
