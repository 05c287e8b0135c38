using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Bench;

/// <summary>The full report: machine, start, floor, end to end with stage times, batches, memory.</summary>
internal static class Report
{
    public static int Run(BenchOptions options)
    {
        Directory.CreateDirectory(options.Work);
        var small = Inputs.Small(options.Work);
        var large = Inputs.Large(options.Work);
        var huge = Inputs.Huge(options.Work);
        var modelSize = new FileInfo(options.Model).Length;

        Console.WriteLine("# RmbgPS benchmark");
        Console.WriteLine($"machine: {CpuTopology.CpuName}, {Environment.ProcessorCount} logical / {CpuTopology.PhysicalCores} physical cores, " +
                          $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0} GB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, ORT {RmbgPS.Engine.Native.OnnxRuntimeEnvironment.Instance.GetVersionString()}");
        Console.WriteLine($"model: {options.Model} ({modelSize / 1048576.0:0} MB)");
        Console.WriteLine();

        Console.WriteLine("## Start of a new process (locate + create the session)");
        var cache = Path.Combine(options.Store, OptimizedGraphCache.FolderName);
        if (Directory.Exists(cache))
            Directory.Delete(cache, true);
        var noCache = Child(options, "start", "--no-cache");
        var firstCached = Child(options, "start");
        var cached = Child(options, "start");
        Console.WriteLine($"optimised at load (no cache):      {noCache["ms"],6} ms");
        Console.WriteLine($"first start (optimise and save):   {firstCached["ms"],6} ms");
        Console.WriteLine($"later starts (cached graph):       {cached["ms"],6} ms   ({cached["source"]})");
        Console.WriteLine();

        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        var session = lease.Session;
        Console.WriteLine($"## Floor: ONNX Runtime Run alone on a prepared tensor ({session.Device}, {engine.Settings.EffectiveThreads} intra-op threads)");
        var floorBefore = Floor(session, small.Path);
        Console.WriteLine($"floor: {floorBefore:0} ms per image ({1000 / floorBefore:0.000} images/s)");
        Console.WriteLine();

        Console.WriteLine("## Engine end to end through the cmdlets' batch (ImageBatch), file in, file out (PNG cut-out, default options), one image at a time");
        Console.WriteLine("(stages as the batch measured them in the median run; mask-only is Get-ImageMask's job)");
        Console.WriteLine("input            e2e ms  /floor   decode prepare   infer    mask compose   write   mask-only");
        foreach (var (input, repeats) in new[] { (small, 3), (large, 2), (huge, 2) })
        {
            var e2e = BatchRuns.Median(CutoutJob.Create(Path.Combine(options.Work, "e2e"), null, CutoutOptions.Default) with { Overwrite = true }, input.Path, repeats, options.Model);
            var maskOnly = BatchRuns.Median(new MaskJob(), input.Path, 3, options.Model);
            var st = e2e.Stages;
            var stages = new[] { st.Decode, st.Prepare, st.ModelRun, st.Mask, st.Compose, st.Write }.Select(t => t.TotalMilliseconds);
            Console.WriteLine($"{input.Label,-5} {input.Width}x{input.Height,-5} {e2e.Elapsed.TotalMilliseconds,7:0} {e2e.Elapsed.TotalMilliseconds / floorBefore,7:0.00} " +
                              string.Join(" ", stages.Select(s => $"{s,7:0}")) + $" {maskOnly.Elapsed.TotalMilliseconds,11:0}");
        }
        Console.WriteLine();

        var budget = modelSize / 1048576 + 1536;
        Console.WriteLine($"## Remove-ImageBackground over a batch of {options.Count} through the PowerShell engine (Get-ChildItem | Remove-ImageBackground)");
        Console.WriteLine("(each batch process measures the floor on its own session just before and after the batch; the ratio uses the mean;");
        Console.WriteLine(" the bare floor is the original file in a fresh process of its own, before and after the batches (BareFloor);");
        Console.WriteLine($" the memory budget is the model's file plus 1.5 GB: {budget} MB; the batch admits images by their cost within it)");
        var bareBefore = Child(options, "bare");
        var lines = new[] { (small, 0.95, "BelowNormal"), (small, 0.95, "Idle"), (large, 0.70, "BelowNormal"), (large, 0.70, "Idle") }
            .Select(run => BatchLine(options, run.Item1, options.Count, run.Item2, run.Item3, budget)).ToList();
        var bareAfter = Child(options, "bare");
        var bare = (double.Parse(bareBefore["ms"]) + double.Parse(bareAfter["ms"])) / 2;
        Console.WriteLine($"bare floor: {bare:0} ms per image (before {bareBefore["ms"]}, after {bareAfter["ms"]}; peak working set {bareBefore["peakWS"]} MB)");
        foreach (var line in lines)
            Console.WriteLine(line(bare));
        Console.WriteLine();

        Models(options);

        if (options.Long)
        {
            Console.WriteLine("## Memory over 100-image batches");
            var bareNow = double.Parse(Child(options, "bare")["ms"]);
            foreach (var input in new[] { small, large })
                Console.WriteLine(BatchLine(options, input, 100, input == small ? 0.95 : 0.70, "BelowNormal", budget)(bareNow));
        }
        return 0;
    }

    /// <summary>
    /// One batch in a child process: its rate against the bare floor (the target's measure) and against the floor on
    /// its own session, how busy the model was, and its peak working set against the budget. The line is written once
    /// the bare floor measured around all the batches is known.
    /// </summary>
    private static Func<double, string> BatchLine(BenchOptions options, BenchImages.Input input, int count, double target, string priority, long budget)
    {
        var batch = Child(options, "batch", input.Label, count.ToString(), "", priority);
        var rate = Rate(batch);
        var floor = double.Parse(batch["floorMs"]);
        var peak = long.Parse(batch["peakWS"]);
        return bare =>
        {
            var ratio = rate * bare / 1000;
            return $"{input.Label,-5} x{count} workers {priority,-11}: {rate:0.000} images/s; batch/bare floor {ratio:0.00} " +
                   $"(target {target:0.00}: {(ratio >= target ? "met" : "NOT met")}); batch/own-session floor {rate * floor / 1000:0.00} (floor {floor:0} ms); " +
                   $"model busy {batch["busy"]} of the time at {batch["runMs"]} ms a run; " +
                   $"peak working set {peak} MB ({(peak <= budget ? "within" : "OVER")} {budget} MB; during the batch: first half {batch["firstHalfPeak"]} MB, second half {batch["secondHalfPeak"]} MB)";
        };
    }

    /// <summary>The floor on the engine's shared session for a model (loading it if needed).</summary>
    public static double Floor(RmbgEngine engine, string model, string imagePath)
    {
        using var lease = engine.Acquire(ModelLocator.Locate(model, engine.Settings.Model));
        return Floor(lease.Session, imagePath);
    }

    /// <summary>The shared session's model runs so far (count, total time).</summary>
    public static (long Count, TimeSpan Total) RunStatistics(RmbgEngine engine, string model)
    {
        using var lease = engine.Acquire(ModelLocator.Locate(model, engine.Settings.Model));
        return lease.Session.RunStatistics;
    }

    /// <summary>Milliseconds per ORT Run on an already prepared input (median of 5): the model's own cost, nothing around it.</summary>
    private static double Floor(ModelSession session, string imagePath)
    {
        var image = ImageDecoder.Decode(imagePath);
        using var input = session.Prepare(image, CancellationToken.None);
        session.Infer(input, CancellationToken.None); // warm-up
        var times = new double[5];
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            session.Infer(input, CancellationToken.None);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    /// <summary>
    /// The models a machine here can install (issue 26), side by side: each one's bare floor at its own input size, and a
    /// 0.5-MP batch through the module with it, each in a process of its own.
    /// </summary>
    private static void Models(BenchOptions options)
    {
        Console.WriteLine($"## The models installable here: bare Run and a {options.Count}-image 0.5-MP batch through the module");
        Console.WriteLine("model                 file MB   bare ms   bare peak MB   batch images/s   batch peak MB");
        foreach (var (label, path) in new[] { ("ISNet (IMG.LY, fp16)", Tests.TestAssets.IsnetModelPath), ("u2netp (rembg)", Tests.TestAssets.U2netpModelPath) })
        {
            var model = options with { Model = path };
            var bare = Child(model, "bare");
            var batch = Child(model, "batch", "0.5mp", options.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var rate = Rate(batch);
            Console.WriteLine($"{label,-21} {new FileInfo(path).Length / 1e6,7:0.0} {bare["ms"],9} {bare["peakWS"],14} {rate,16:0.000} {batch["peakWS"],15}");
        }
        Console.WriteLine();
    }

    /// <summary>A batch child's images per second.</summary>
    internal static double Rate(Dictionary<string, string> batch) =>
        double.Parse(batch["images"], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(batch["seconds"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs a child mode and returns its RESULT line's key=value pairs.</summary>
    internal static Dictionary<string, string> Child(BenchOptions options, params string[] modeArgs)
    {
        using var process = Process.Start(options.Child(modeArgs))!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"The child '{string.Join(" ", modeArgs)}' exited with {process.ExitCode} and no result:\n{output}");
        var values = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(line, "(\\w+)=(\"[^\"]*\"|\\S+)"))
            values[m.Groups[1].Value] = m.Groups[2].Value.Trim('"');
        return values;
    }
}
