using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests.Masks;

/// <summary>Mask shaping: offset by a square, feathering.</summary>
public sealed class MaskFilterTests
{
    [Fact]
    public void Offset_grows_and_shrinks_by_a_square_of_the_given_radius()
    {
        const int w = 21, h = 15;
        var mask = new byte[w * h];
        mask[7 * w + 10] = 255;
        MaskFilters.Offset(mask, w, h, 3);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                Assert.Equal(Math.Abs(x - 10) <= 3 && Math.Abs(y - 7) <= 3 ? 255 : 0, mask[y * w + x]);
        MaskFilters.Offset(mask, w, h, -3);
        Assert.Equal(255, mask[7 * w + 10]);
        Assert.Equal(255, mask.Sum(v => v));

        // At the frame's edge the window is clamped, not wrapped.
        var corner = new byte[w * h];
        corner[0] = 200;
        MaskFilters.Offset(corner, w, h, 2);
        Assert.Equal(9, corner.Count(v => v == 200));
        Assert.Equal(0, corner[w * h - 1]);
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(4, 1, 40)]
    [InlineData(7, 33, 2)]
    public void Offset_matches_a_brute_force_square_min_and_max(int radius, int width, int height)
    {
        var random = new Random(radius * 100 + width);
        var mask = new byte[width * height];
        random.NextBytes(mask);
        foreach (var sign in new[] { 1, -1 })
        {
            var actual = (byte[])mask.Clone();
            MaskFilters.Offset(actual, width, height, sign * radius);
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var expected = sign > 0 ? byte.MinValue : byte.MaxValue;
                    for (var yy = Math.Max(0, y - radius); yy <= Math.Min(height - 1, y + radius); yy++)
                        for (var xx = Math.Max(0, x - radius); xx <= Math.Min(width - 1, x + radius); xx++)
                            expected = sign > 0 ? Math.Max(expected, mask[yy * width + xx]) : Math.Min(expected, mask[yy * width + xx]);
                    Assert.Equal(expected, actual[y * width + x]);
                }
        }
    }

    [Fact]
    public void Feathering_is_a_symmetric_blur_that_keeps_flat_areas()
    {
        const int w = 64, h = 64;
        var mask = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 32; x < w; x++)
                mask[y * w + x] = 255;
        MaskFilters.GaussianBlur(mask, w, h, sigma: 4);
        var row = mask.AsSpan(32 * w, w).ToArray();
        Assert.Equal(0, row[0]);
        Assert.Equal(255, row[^1]);
        Assert.InRange(row[31] + row[32], 250, 260); // the edge becomes a ramp centred between the two columns
        for (var x = 1; x < w; x++)
            Assert.True(row[x] >= row[x - 1], "monotonic ramp");
        Assert.InRange(row.Count(v => v is > 5 and < 250), 8, 24); // about +-2 sigma wide

        Assert.Equal([2, 2, 3], MaskFilters.BoxRadiiForGaussian(3, 3).Order());
        MaskFilters.Invert(mask);
        Assert.Equal(255, mask[0]);
    }
}
