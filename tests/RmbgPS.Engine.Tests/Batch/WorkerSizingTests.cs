using RmbgPS.Engine.Batch;

namespace RmbgPS.Tests;

/// <summary>A batch widens when the model is fast beside each image's other work (a GPU), and only then.</summary>
public sealed class WorkerSizingTests
{
    [Theory]
    // CPU inference: 1.5 s runs against 0.3 s of image work; the starting limit stays.
    [InlineData(3, 2, 300, 1500, 3)]
    // GPU inference: 25 ms runs against 300 ms of image work; one per core plus the one in the model...
    [InlineData(3, 8, 300, 25, 9)]
    // ...but never wider than 16, whatever the cores.
    [InlineData(3, 64, 300, 25, 13)]
    [InlineData(3, 64, 3000, 25, 16)]
    [InlineData(3, 16, 300, 0, 3)]
    public void The_limit_covers_one_model_run_with_image_work(int initial, int cores, double imageWorkMs, double modelRunMs, int expected) =>
        Assert.Equal(expected, WorkerSizing.Recommend(initial, cores, imageWorkMs, modelRunMs));

    [Fact]
    public void The_first_images_carry_the_warm_up_and_do_not_count()
    {
        var sizing = new WorkerSizing(3, 16);
        for (var i = 0; i < WorkerSizing.Warmup; i++)
            sizing.Observe(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(2)); // the first runs optimise and allocate
        Assert.Equal(3, sizing.Limit);
        sizing.Observe(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(30));
        Assert.Equal(11, sizing.Limit);
        Parallel.For(0, 100, _ => sizing.Observe(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(30)));
        Assert.Equal(11, sizing.Limit);
    }
}
