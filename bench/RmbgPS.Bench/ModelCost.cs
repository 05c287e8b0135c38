using System.Globalization;

namespace RmbgPS.Bench;

/// <summary>
/// What one model file costs, for choosing between models (issue 25): the "model" mode, with --model &lt;file.onnx&gt;
/// and --count (default 20). Its bare floor in a fresh process, then a batch through the module at 0.5 and at 12 MP,
/// each in a process of its own so each peak working set is its own, and what that rate means for 1,000 photos.
/// </summary>
internal static class ModelCost
{
    public static int Run(BenchOptions options)
    {
        var count = options.Count.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"## {Path.GetFileName(options.Model)} ({new FileInfo(options.Model).Length / 1e6:0.0} MB): bare Run, and {count}-image batches through the module");
        var bare = Report.Child(options, "bare");
        var bareMs = double.Parse(bare["ms"], CultureInfo.InvariantCulture);
        Console.WriteLine($"bare floor: {bareMs:0} ms a run (min {bare["min"]}, max {bare["max"]}), peak working set {bare["peakWS"]} MB");
        Console.WriteLine("input   images/s   ms an image   batch / bare floor   model busy   peak MB   1,000 photos");
        foreach (var input in new[] { "0.5mp", "12mp" })
        {
            var batch = Report.Child(options, "batch", input, count);
            var rate = Report.Rate(batch);
            var thousand = TimeSpan.FromSeconds(1000 / rate);
            Console.WriteLine($"{input,-7} {rate,8:0.000} {1000 / rate,13:0} {rate * bareMs / 1000,20:0.00} {batch["busy"],12} {batch["peakWS"],9}   " +
                              $"{(int)thousand.TotalHours} h {thousand.Minutes:00} min");
        }
        return 0;
    }
}
