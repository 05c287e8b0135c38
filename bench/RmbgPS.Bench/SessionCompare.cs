using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;

namespace RmbgPS.Bench;

/// <summary>
/// Issue 24's question at 0.5 MP, where the model is busy 99% of a batch and still runs 9 to 13% slower than bare: is it
/// the module's session, or the image work beside it? In one process, so the machine's drift cancels, three kinds of run
/// take turns: the bare floor's session (<see cref="BareFloor"/>'s options, the original file), the module's session
/// (<c>ModelSession.Infer</c>, the cached graph), and the module's session while a batch worker (nice 10, as
/// <see cref="BatchThread"/> sets it) does one 0.5-MP image's work (decode, mask, compose, encode), as in a batch.
/// Child mode "sessions" [rounds, default 6]; prints the median of each.
/// </summary>
internal static class SessionCompare
{
    public static int Run(BenchOptions options)
    {
        var rounds = options.Rest.Length > 0 ? int.Parse(options.Rest[0]) : 6;
        var small = Inputs.Small(options.Work);
        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        var module = lease.Session;
        using var moduleInput = module.Prepare(ImageDecoder.Decode(small.Path), CancellationToken.None);
        var plane = module.Infer(moduleInput, CancellationToken.None);
        var mask = AlphaMask.FromProbabilities(plane.Values, plane.Width, plane.Height, small.Width, small.Height, new MaskOptions());

        using var bareOptions = BareFloor.SessionOptions();
        using var bare = new InferenceSession(options.Model, bareOptions);
        var (inputName, bareInput) = BareFloor.Input(bare);
        using var _ = bareInput;
        var firstOutput = bare.OutputNames.Take(1).ToArray();
        using var runOptions = new RunOptions();
        void BareRun()
        {
            using (bare.Run(runOptions, [inputName], [bareInput], firstOutput))
            {
            }
        }
        BareRun(); // warm-up

        void ImageWork()
        {
            BatchThread.Enter();
            var image = ImageDecoder.Decode(small.Path);
            using var prepared = module.Prepare(image, CancellationToken.None);
            var cut = Cutout.Compose(image, mask, CutoutOptions.Default);
            ImageEncoder.Write(Stream.Null, cut, OutputFormat.Png, 100);
        }
        var alone = new Thread(ImageWork) { IsBackground = true }; // never on this thread: it takes part in the runs, and must stay at nice 0
        var imageWork = Time(() =>
        {
            alone.Start();
            alone.Join();
        });

        var (bareTimes, moduleTimes, besideTimes) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < rounds; i++)
        {
            bareTimes.Add(Time(BareRun));
            moduleTimes.Add(Time(() => module.Infer(moduleInput, CancellationToken.None)));
            var worker = new Thread(ImageWork) { IsBackground = true };
            besideTimes.Add(Time(() =>
            {
                worker.Start();
                module.Infer(moduleInput, CancellationToken.None);
            }));
            worker.Join();
        }
        Console.WriteLine($"RESULT bareMs={Median(bareTimes):0} moduleMs={Median(moduleTimes):0} besideWorkerMs={Median(besideTimes):0} " +
                          $"imageWorkMs={imageWork:0} rounds={rounds} source=\"{module.GraphSource}\"");
        return 0;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
