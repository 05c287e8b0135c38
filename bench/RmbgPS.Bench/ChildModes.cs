using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Tests;

namespace RmbgPS.Bench;

/// <summary>The parts that must run in a process of their own; each prints one "RESULT key=value ..." line.</summary>
internal static class ChildModes
{
    /// <summary>A new process's model start: locate, create the session (optimise or load the cached graph).</summary>
    public static int Start(BenchOptions options)
    {
        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu, CacheOptimizedGraph = !options.NoCache });
        var clock = Stopwatch.StartNew();
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        var ms = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"RESULT ms={ms:0} source=\"{lease.Session.GraphSource}\"");
        return 0;
    }

    /// <summary>
    /// Remove-ImageBackground over a batch, through the real PowerShell engine with the built module, the
    /// way a user pipes Get-ChildItem into it. The model is loaded by a first image outside the timing.
    /// Rest: label count [throttle (empty for the module's own sizing) [worker priority]].
    /// </summary>
    public static int Batch(BenchOptions options)
    {
        var label = options.Rest[0];
        var count = int.Parse(options.Rest[1]);
        var input = Inputs.ByLabel(options.Work, label);
        var folder = Path.Combine(options.Work, $"batch-{label}-{count}");
        BenchImages.Batch(input, folder, count);
        var output = Path.Combine(options.Work, $"out-{label}-{count}");
        if (Directory.Exists(output))
            Directory.Delete(output, true);

        using var sampler = new MemorySampler();
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var priority = options.Rest.Length > 3 ? options.Rest[3] : "BelowNormal";
        Invoke(runspace, "Import-Module $args[0]; Set-RmbgDevice -Model $args[1] -WorkerPriority $args[2]", Path.Combine(TestAssets.RepoRoot, "out", "RmbgPS", "RmbgPS.psd1"), options.Model, priority);
        Invoke(runspace, "Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Force | Out-Null", input.Path, Path.Combine(options.Work, "warm-up"));

        // The floor, measured in this process on the very session the cmdlet uses, just before and after the
        // batch: on a shared machine the model's speed drifts, and the ratio should compare like with like.
        var floorBefore = Report.Floor(RmbgEngine.Shared, options.Model, input.Path);
        var (runsBefore, busyBefore) = Report.RunStatistics(RmbgEngine.Shared, options.Model);
        // The floor's own decoded photo and tensors are the benchmark's, not the batch's: give them back before the
        // batch, so its peak is what a user's process would reach (they added about 55 MB when left to the GC).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var throttle = options.Rest.Length > 2 && options.Rest[2].Length > 0 ? $" -ThrottleLimit {options.Rest[2]}" : ""; // none: the module sizes the batch
        var halfway = 0L;
        var done = 0;
        var clock = Stopwatch.StartNew();
        using (var ps = PowerShell.Create())
        {
            ps.Runspace = runspace;
            ps.AddScript($"$ExecutionContext.InvokeProvider.ChildItem.Get($args[0], $false) | Remove-ImageBackground -OutputPath $args[1]{throttle}")
                .AddArgument(folder).AddArgument(output);
            var results = new PSDataCollection<PSObject>();
            results.DataAdded += (_, _) =>
            {
                if (Interlocked.Increment(ref done) == count / 2)
                    halfway = sampler.TakePeak(); // the first half's peak; the second half starts afresh
            };
            ps.Invoke(null, results);
            if (ps.HadErrors)
                throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (runsAfter, busyAfter) = Report.RunStatistics(RmbgEngine.Shared, options.Model);
        var secondHalf = sampler.TakePeak();
        var floorAfter = Report.Floor(RmbgEngine.Shared, options.Model, input.Path);
        Directory.Delete(output, true);
        Console.WriteLine($"RESULT images={done} seconds={seconds:0.00} floorMs={(floorBefore + floorAfter) / 2:0} runMs={(busyAfter - busyBefore).TotalMilliseconds / Math.Max(1, runsAfter - runsBefore):0} busy={(busyAfter - busyBefore).TotalSeconds / seconds:0.00} peakWS={MemorySampler.ProcessPeak / 1048576} firstHalfPeak={halfway / 1048576} secondHalfPeak={secondHalf / 1048576}");
        return 0;
    }

    private static void Invoke(Runspace runspace, string script, params object[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var a in args)
            ps.AddArgument(a);
        ps.Invoke();
        if (ps.HadErrors)
            throw new InvalidOperationException($"{script}: {string.Join("; ", ps.Streams.Error)}");
    }
}

/// <summary>Samples the working set every 100 ms; the process's own peak (VmHWM) covers the gaps.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer timer;
    private long peak;

    public MemorySampler() => timer = new Timer(_ => Sample(), null, 0, 100);

    public static long ProcessPeak
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64;
        }
    }

    /// <summary>The highest sample since the last call.</summary>
    public long TakePeak()
    {
        Sample();
        return Interlocked.Exchange(ref peak, 0);
    }

    private void Sample()
    {
        using var self = Process.GetCurrentProcess();
        var now = self.WorkingSet64;
        long seen;
        while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
        }
    }

    public void Dispose() => timer.Dispose();
}
