using System.Numerics;

namespace RmbgPS.Engine.Compositing;

/// <summary>
/// The pixels of the multi-level solver's full-size level that it updates: per row, the runs of pixels that are not
/// flat, where a flat pixel is wholly subject or wholly background with its four neighbours (clamped at the border)
/// alike. Found once per solve, so the level's half-iterations visit only the soft band instead of testing every pixel
/// of the region in each.
/// </summary>
internal sealed class ActiveRuns
{
    private int[] starts = [];   // per row, where its runs begin in pairs; one more entry than rows
    private int[] pairs = [];    // first, end (exclusive) of each run
    private int[] flags = [];    // one row's pixels: -1 where not flat

    /// <summary>Row <paramref name="y"/>'s runs as (first, end) pairs.</summary>
    public ReadOnlySpan<int> Row(int y) => pairs.AsSpan(starts[y], starts[y + 1] - starts[y]);

    public void Find(float[] alpha, int w, int h)
    {
        if (starts.Length < h + 1)
            starts = new int[h + 1];
        if (flags.Length < w)
            flags = new int[w];
        var count = 0;
        for (var y = 0; y < h; y++)
        {
            starts[y] = count;
            var row = flags.AsSpan(0, w);
            MarkRow(alpha, w, y * w, Math.Max(0, y - 1) * w, Math.Min(h - 1, y + 1) * w, row);
            for (var x = 0; x < w;)
            {
                var found = row[x..].IndexOf(-1);
                if (found < 0)
                    break;
                var first = x + found;
                var length = row[first..].IndexOf(0);
                var end = length < 0 ? w : first + length;
                if (pairs.Length < count + 2)
                    Array.Resize(ref pairs, Math.Max(64, pairs.Length * 2));
                (pairs[count], pairs[count + 1]) = (first, end);
                count += 2;
                x = end;
            }
        }
        starts[h] = count;
    }

    private static void MarkRow(float[] a, int w, int row, int up, int down, Span<int> flags)
    {
        var x = 1;
        var (zero, one) = (Vector<float>.Zero, Vector<float>.One);
        for (; x + Vector<float>.Count <= w - 1; x += Vector<float>.Count)
        {
            var a0 = new Vector<float>(a.AsSpan(row + x));
            var flat = (Vector.Equals(a0, zero) | Vector.Equals(a0, one))
                       & Vector.Equals(new Vector<float>(a.AsSpan(row + x - 1)), a0) & Vector.Equals(new Vector<float>(a.AsSpan(row + x + 1)), a0)
                       & Vector.Equals(new Vector<float>(a.AsSpan(up + x)), a0) & Vector.Equals(new Vector<float>(a.AsSpan(down + x)), a0);
            Vector.OnesComplement(flat).CopyTo(flags[x..]);
        }
        for (; x < w - 1; x++)
            flags[x] = IsFlat(a, row + x, row + x - 1, row + x + 1, up + x, down + x) ? 0 : -1;
        flags[0] = IsFlat(a, row, row, row + Math.Min(w - 1, 1), up, down) ? 0 : -1;
        if (w > 1)
            flags[w - 1] = IsFlat(a, row + w - 1, row + w - 2, row + w - 1, up + w - 1, down + w - 1) ? 0 : -1;
    }

    private static bool IsFlat(float[] a, int i, int left, int right, int upper, int lower)
    {
        var a0 = a[i];
        return a0 is 0f or 1f && a[left] == a0 && a[right] == a0 && a[upper] == a0 && a[lower] == a0;
    }
}
