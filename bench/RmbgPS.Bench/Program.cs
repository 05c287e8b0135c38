using System.Diagnostics;
using System.Globalization;
using RmbgPS.Bench;
using RmbgPS.Tests;
using SkiaSharp;

// RmbgPS benchmark: the model's floor, the engine end to end, and the cmdlet over batches, with ratios
// and peak memory. Usage (after `dotnet build RmbgPS.sln -c Release`):
//   dotnet run -c Release --project bench/RmbgPS.Bench [-- --model <file.onnx>] [--count 20] [--long]
// --long adds the 100-image 12-MP batch that checks memory stays flat. The "gpu" mode is bench/gpu-check.sh's;
// "foreground" times the two foreground methods (DOTNET_PROCESSOR_COUNT=1 for one core); "detail" measures -Detail High. bench/remote-overhead.ps1 measures -Session. Child modes (start, batch) run in
// their own processes so each one's start time and peak working set are its own; "bare" is the bare floor (BareFloor);
// "sessions" alternates the bare session, the module's and the module's beside a batch worker in one process (SessionCompare);
// "cpu" measures each stage's CPU outside the model on a batch worker (StageCpu); "model --model <file>" what one model
// costs at 0.5 and 12 MP, for choosing between models (ModelCost); "footprint --model <file> [rounds]" ONNX Runtime's
// memory options on the bare floor, taking turns (FootprintOptions).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
return options.Mode switch
{
    "start" => ChildModes.Start(options),
    "batch" => ChildModes.Batch(options),
    "bare" => BareFloor.Run(options),
    "sessions" => SessionCompare.Run(options),
    "cpu" => StageCpu.Run(options),
    "model" => ModelCost.Run(options),
    "footprint" => FootprintOptions.Run(options),
    "gpu" => GpuCheck.Run(options),
    "foreground" => ForegroundCost.Run(options),
    "detail" => DetailBench.Run(options),
    "inputs" => Inputs.Write(options.Work), // for bench/remote-overhead.ps1
    _ => Report.Run(options),
};

namespace RmbgPS.Bench
{
    internal sealed record BenchOptions(string Mode, string Model, string Work, int Count, bool Long, bool NoCache, string[] Rest)
    {
        public string Store => Path.Combine(Work, "store");

        public static BenchOptions Parse(string[] args)
        {
            string mode = "report", model = "", work = Path.Combine(Path.GetTempPath(), "rmbgps-bench");
            int count = 20;
            bool isLong = false, noCache = false;
            var rest = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--model": model = Path.GetFullPath(args[++i]); break;
                    case "--work": work = Path.GetFullPath(args[++i]); break;
                    case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--long": isLong = true; break;
                    case "--no-cache": noCache = true; break;
                    case "start" or "batch" or "bare" or "sessions" or "cpu" or "model" or "footprint" or "gpu" or "foreground" or "detail" or "inputs" when i == 0: mode = args[i]; break;
                    default: rest.Add(args[i]); break;
                }
            }
            if (model.Length == 0)
                model = TestAssets.IsnetModelPath; // fetched into the test cache on first use
            return new BenchOptions(mode, model, work, count, isLong, noCache, rest.ToArray());
        }

        /// <summary>The arguments that start this program again as a child in another mode.</summary>
        public ProcessStartInfo Child(params string[] modeArgs)
        {
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                info.ArgumentList.Add(typeof(BenchOptions).Assembly.Location);
            foreach (var a in modeArgs)
                info.ArgumentList.Add(a);
            foreach (var a in new[] { "--model", Model, "--work", Work })
                info.ArgumentList.Add(a);
            info.Environment["RMBG_MODEL_HOME"] = Store;
            return info;
        }
    }

    internal static class Inputs
    {
        public static BenchImages.Input Small(string work) => BenchImages.Make(Folder(work), "0.5mp", 866, 577, SKEncodedImageFormat.Jpeg);
        public static BenchImages.Input Large(string work) => BenchImages.Make(Folder(work), "12mp", 4243, 2828, SKEncodedImageFormat.Jpeg);
        public static BenchImages.Input Huge(string work) => BenchImages.Make(Folder(work), "24mp", 6000, 4000, SKEncodedImageFormat.Png);

        /// <summary>Makes the 0.5-MP and 12-MP inputs in &lt;work&gt;/inputs.</summary>
        public static int Write(string work)
        {
            Small(work);
            Large(work);
            return 0;
        }

        public static BenchImages.Input ByLabel(string work, string label) => label switch
        {
            "0.5mp" => Small(work),
            "12mp" => Large(work),
            "24mp" => Huge(work),
            _ => throw new ArgumentException($"Unknown input '{label}'."),
        };

        private static string Folder(string work)
        {
            var folder = Path.Combine(work, "inputs");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }
}
