using RmbgPS.Engine.Compositing;
using System.Runtime.InteropServices;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Native;
using RmbgPS.Engine.Removal;
using RmbgPS.Tests;

namespace RmbgPS.Bench;

/// <summary>
/// The GPU figures (bench/gpu-check.sh runs this mode on the CUDA flavour): the floor per model, the engine end to end
/// at 0.5 and 12 MP, a batch through the cmdlet, and how far the GPU's masks are from the CPU's. Without CUDA it says
/// why and stops (exit 3), or with --allow-cpu runs the same steps on the CPU, so the script can be checked anywhere.
/// Rest: [--allow-cpu] [--quick] [--also model.onnx ...].
/// </summary>
internal static class GpuCheck
{
    private static readonly string[] AgreementPhotos = ["chelsea.png", "coffee.png", "astronaut.png"];

    public static int Run(BenchOptions options)
    {
        var allowCpu = options.Rest.Contains("--allow-cpu");
        var quick = options.Rest.Contains("--quick");
        var models = new List<string> { options.Model };
        for (var i = 0; i < options.Rest.Length - 1; i++)
            if (options.Rest[i] == "--also")
                models.Add(Path.GetFullPath(options.Rest[i + 1]));
        Directory.CreateDirectory(options.Work);

        Console.WriteLine("# RmbgPS GPU check");
        Console.WriteLine($"machine: {CpuTopology.CpuName}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"ONNX Runtime {OnnxRuntimeEnvironment.Instance.GetVersionString()}, providers: {string.Join(", ", ExecutionProviders.Available)}");
        var engine = RmbgEngine.Shared;
        DeviceChoice device;
        try
        {
            device = engine.Configure(new EngineSettings { Device = ExecutionDevice.Cuda });
        }
        catch (DeviceNotAvailableException e)
        {
            Console.WriteLine($"CUDA: not available: {e.Message}");
            if (!allowCpu)
            {
                Console.WriteLine("No GPU figures. (--allow-cpu runs the same steps on the CPU, to check this script.)");
                return 3;
            }
            device = engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        }
        Console.WriteLine($"device: {device.Device} ({device.ProviderName}), library {NativeLibraries.OnnxRuntimePath}");
        Console.WriteLine();

        var small = Inputs.Small(options.Work);
        Console.WriteLine("## Floor: ONNX Runtime Run alone on a prepared 0.5-MP input (median of 5, after a warm-up run)");
        foreach (var model in models)
            Console.WriteLine($"floor {Path.GetFileName(model)} ({new FileInfo(model).Length / 1_000_000} MB): {Report.Floor(engine, model, small.Path):0.0} ms");
        Console.WriteLine();

        Console.WriteLine("## Engine end to end, file in, file out (PNG cut-out, foreground refined), median");
        using (var lease = engine.Acquire(ModelLocator.Locate(options.Model, null)))
        {
            foreach (var input in quick ? [small] : new[] { small, Inputs.Large(options.Work) })
                Console.WriteLine($"e2e {input.Label} {input.Width}x{input.Height}: {BatchRuns.Median(CutoutJob.Create(Path.Combine(options.Work, "e2e"), null, CutoutOptions.Default) with { Overwrite = true }, input.Path, 3, options.Model).Elapsed.TotalMilliseconds:0} ms");
        }
        Console.WriteLine();

        Console.WriteLine($"## Remove-ImageBackground over {options.Count} images of 0.5 MP (Get-ChildItem | Remove-ImageBackground, device Auto, workers sized by the module)");
        var batch = Report.Child(options, "batch", small.Label, options.Count.ToString());
        var rate = Report.Rate(batch);
        Console.WriteLine($"batch: {rate:0.00} images/s; model busy {batch["busy"]} of the time at {batch["runMs"]} ms a run; peak working set {batch["peakWS"]} MB");
        Console.WriteLine();

        Console.WriteLine($"## Masks on {device.Device} against the CPU, {AgreementPhotos.Length} photos at full size");
        var onDevice = AgreementPhotos.Select(p => Mask(engine, options.Model, TestAssets.Photo(p))).ToList();
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        var onCpu = AgreementPhotos.Select(p => Mask(engine, options.Model, TestAssets.Photo(p))).ToList();
        var (meanDiff, maxDiff, iou) = Agreement(onDevice, onCpu);
        Console.WriteLine($"agreement: mean |difference| {meanDiff:0.000} levels, largest {maxDiff}, IoU (alpha >= 128) {iou:0.0000}");
        return 0;
    }

    private static AlphaMask Mask(RmbgEngine engine, string model, string photo)
    {
        using var lease = engine.Acquire(ModelLocator.Locate(model, null));
        return BackgroundRemoval.ComputeMask(lease.Session, photo, MaskOptions.Default, ImageLimits.DefaultMaxPixels, CancellationToken.None);
    }

    private static (double MeanDiff, int MaxDiff, double IoU) Agreement(IReadOnlyList<AlphaMask> a, IReadOnlyList<AlphaMask> b)
    {
        long sum = 0, count = 0, both = 0, either = 0;
        var max = 0;
        for (var m = 0; m < a.Count; m++)
        {
            var (x, y) = (a[m].Values, b[m].Values);
            for (var i = 0; i < x.Length; i++)
            {
                var d = Math.Abs(x[i] - y[i]);
                sum += d;
                max = Math.Max(max, d);
                var (inX, inY) = (x[i] >= 128, y[i] >= 128);
                both += inX && inY ? 1 : 0;
                either += inX || inY ? 1 : 0;
            }
            count += x.Length;
        }
        return ((double)sum / count, max, either == 0 ? 1 : (double)both / either);
    }
}
