using System.Diagnostics;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;

namespace RmbgPS.Bench;

/// <summary>
/// Issue 24's first step: the CPU each stage of a cut-out spends outside the model, per image, as a batch worker spends
/// it (inline, no fan-out: <see cref="BatchThread.Enter"/>). With nothing else running, the process's CPU time over a
/// stage is that stage's. Child mode "cpu" [repeats, default 3] [warm-ups, default 1]: the median of each stage for the
/// 0.5- and 12-MP inputs. The runtime compiles a method's loops fully only after it has run a while (tiered compilation),
/// so the first images of a process cost more: eight warm-ups give the figures of a long batch.
/// </summary>
internal static class StageCpu
{
    private static readonly string[] Stages = ["decode", "prepare", "model", "mask", "edge colour", "compose rest", "encode PNG"];

    public static int Run(BenchOptions options)
    {
        var repeats = options.Rest.Length > 0 ? int.Parse(options.Rest[0]) : 3;
        var warmUps = options.Rest.Length > 1 ? int.Parse(options.Rest[1]) : 1;
        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        Console.WriteLine($"## CPU per stage outside the model, one image at a time on a batch worker (ms of CPU, median of {repeats} after {warmUps} warm-up(s); the model's for scale)");
        Console.WriteLine("input            " + string.Join("", Stages.Select(s => $"{s,13}")) + "   outside the model");
        foreach (var input in new[] { Inputs.Small(options.Work), Inputs.Large(options.Work) })
        {
            var runs = new List<double[]>();
            var worker = new Thread(() =>
            {
                BatchThread.Enter();
                for (var i = 0; i < warmUps; i++)
                    Measure(lease.Session, input.Path);
                for (var i = 0; i < repeats; i++)
                    runs.Add(Measure(lease.Session, input.Path));
            });
            worker.Start();
            worker.Join();
            var medians = Enumerable.Range(0, Stages.Length).Select(s => runs.Select(r => r[s]).Order().ElementAt(runs.Count / 2)).ToArray();
            var outside = medians.Sum() - medians[Array.IndexOf(Stages, "model")];
            Console.WriteLine($"{input.Label,-5} {input.Width}x{input.Height,-5}" + string.Join("", medians.Select(m => $"{m,13:0}")) + $"   {outside,17:0}");
        }
        return 0;
    }

    /// <summary>One cut-out, stage by stage; the edge colour is timed apart from the rest of the composition (alpha applied, hidden colour cleared).</summary>
    private static double[] Measure(ModelSession session, string path)
    {
        var times = new List<double>();
        var cpu = ProcessCpu();
        void Stage()
        {
            var now = ProcessCpu();
            times.Add((now - cpu).TotalMilliseconds);
            cpu = now;
        }
        var image = ImageDecoder.Decode(path);
        Stage();
        using var input = session.Prepare(image, CancellationToken.None);
        Stage();
        var plane = session.Infer(input, CancellationToken.None);
        Stage();
        var mask = AlphaMask.FromProbabilities(plane.Values, plane.Width, plane.Height, image.Width, image.Height, new MaskOptions());
        Stage();
        var copy = (byte[])image.Pixels.Clone();
        cpu = ProcessCpu(); // the copy is the benchmark's, not a stage's
        var withEdges = Cutout.Compose(new RgbaImage(image.Width, image.Height, copy, image.HasTransparency), mask, CutoutOptions.Default);
        var edgesAndRest = (ProcessCpu() - cpu).TotalMilliseconds;
        cpu = ProcessCpu();
        Cutout.Compose(image, mask, CutoutOptions.Default with { Foreground = null });
        var rest = (ProcessCpu() - cpu).TotalMilliseconds;
        times.Add(Math.Max(0, edgesAndRest - rest));
        times.Add(rest);
        cpu = ProcessCpu();
        ImageEncoder.Write(Stream.Null, withEdges, OutputFormat.Png, 100);
        Stage();
        return [.. times];
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
