using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests.Masks;

/// <summary>The figures a mask carries are exact: its foreground ratio is the plain mean of its bytes.</summary>
public sealed class AlphaMaskMeasureTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 7)]       // shorter than two vectors, with a tail
    [InlineData(9001, 3)]     // rows longer than the sixteen-bit lanes' 128 vectors
    [InlineData(4243, 40)]
    public void The_foreground_ratio_is_the_mean_of_every_byte(int width, int height)
    {
        var random = new Random(width + height);
        var values = new byte[width * height];
        random.NextBytes(values);
        for (var i = 0; i < values.Length; i += 3)
            values[i] = 255; // runs of the largest value, where a narrow sum would overflow first
        long sum = 0;
        foreach (var v in values)
            sum += v;
        var mask = new AlphaMask(width, height, values);
        Assert.Equal(sum / (255.0 * width * height), mask.ForegroundRatio, 12);
        Assert.Equal(1.0, new AlphaMask(width, height, Enumerable.Repeat((byte)255, width * height).ToArray()).ForegroundRatio, 12);
    }
}
