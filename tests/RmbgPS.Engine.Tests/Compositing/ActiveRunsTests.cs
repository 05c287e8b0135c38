using RmbgPS.Engine.Compositing;

namespace RmbgPS.Tests.Compositing;

/// <summary>The solver's full-size level updates exactly the pixels that are not flat, found once as runs per row.</summary>
public sealed class ActiveRunsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(2, 5)]
    [InlineData(37, 23)] // a width that is not a multiple of any vector's length
    [InlineData(260, 40)]
    public void The_runs_hold_every_pixel_that_is_not_flat_and_no_other(int w, int h)
    {
        var random = new Random(w * 1000 + h);
        var alpha = new float[w * h];
        // Mostly wholly subject or background in blocks, with soft pixels and lone specks, so every case of a
        // neighbour (inside the row, across rows, at the borders) is met.
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                alpha[y * w + x] = random.Next(10) switch
                {
                    0 => random.Next(1, 255) / 255f,
                    1 => random.Next(2),
                    _ => (x / 7 + y / 5) % 2,
                };
        var runs = new ActiveRuns();
        runs.Find(alpha, w, h);
        for (var y = 0; y < h; y++)
        {
            var inRuns = new bool[w];
            var row = runs.Row(y);
            for (var r = 0; r < row.Length; r += 2)
            {
                Assert.True(row[r] < row[r + 1], "runs are not empty");
                Assert.True(r == 0 || row[r - 1] < row[r], "runs are apart and in order");
                for (var x = row[r]; x < row[r + 1]; x++)
                    inRuns[x] = true;
            }
            for (var x = 0; x < w; x++)
                Assert.True(inRuns[x] == !Flat(alpha, w, h, x, y), $"({x},{y}) alpha {alpha[y * w + x]}: in a run {inRuns[x]}");
        }
    }

    private static bool Flat(float[] a, int w, int h, int x, int y)
    {
        float At(int cx, int cy) => a[Math.Clamp(cy, 0, h - 1) * w + Math.Clamp(cx, 0, w - 1)];
        var a0 = At(x, y);
        return a0 is 0f or 1f && At(x - 1, y) == a0 && At(x + 1, y) == a0 && At(x, y - 1) == a0 && At(x, y + 1) == a0;
    }
}
