using System.Diagnostics;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Bench;

/// <summary>
/// What each foreground method costs on the model's real mask of the benchmark photos (the "foreground" mode): the
/// cut-out's colour estimation alone, median of 3, at 0.5 and 12 MP. Run it with DOTNET_PROCESSOR_COUNT=1 for one core.
/// </summary>
internal static class ForegroundCost
{
    public static int Run(BenchOptions options)
    {
        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        Console.WriteLine($"## Foreground colour estimation on {Environment.ProcessorCount} core(s), the model's own mask, median of 3");
        foreach (var input in new[] { Inputs.Small(options.Work), Inputs.Large(options.Work) })
        {
            var image = ImageDecoder.Decode(input.Path);
            var mask = BackgroundRemoval.ComputeMask(lease.Session, image, MaskOptions.Default, CancellationToken.None);
            var soft = mask.Values.Count(v => v is > 0 and < 255);
            var times = Enum.GetValues<ForegroundMethod>().Select(method => (method, Time(image, mask, method))).ToList();
            Console.WriteLine($"{input.Label} {input.Width}x{input.Height} ({soft:N0} soft pixels): " +
                              string.Join(", ", times.Select(t => $"{t.method} {t.Item2:0} ms")) +
                              $" (multi-level / blur fusion = {times[1].Item2 / times[0].Item2:0.00})");
        }
        return 0;
    }

    private static double Time(RgbaImage image, AlphaMask mask, ForegroundMethod method)
    {
        var times = new double[3];
        for (var i = 0; i < times.Length; i++)
        {
            var copy = (byte[])image.Pixels.Clone();
            for (var p = 0; p < mask.Values.Length; p++)
                copy[p * 4 + 3] = mask.Values[p];
            var clock = Stopwatch.StartNew();
            ForegroundEstimator.Refine(copy, image.Width, image.Height, method);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[1];
    }
}
