using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RmbgPS.Bench;

/// <summary>
/// The best bare ONNX Runtime we know for a model, in a process of its own with nothing else running: the original
/// file (not the module's cached graph), a fresh session with all graph optimisations, one intra-op thread per core,
/// spinning off and the memory pattern off, and <c>Run</c> alone on a prepared 1x3xHxW tensor. Every batch is reported
/// against it as well as against the floor on its own session (issue 24), so a slower module session cannot hide.
/// </summary>
internal static class BareFloor
{
    /// <summary>
    /// Child mode "bare": a warm-up run, then the median of a number of runs (default 5). Rest: [runs] [variant ...],
    /// the <see cref="Variants"/> to try on top of the floor's options. Besides the process's peak it reports the peak
    /// while the session was made (loadWS) and, on Linux, the peak of the runs alone (runWS, after resetting VmHWM).
    /// </summary>
    public static int Run(BenchOptions options)
    {
        var runs = options.Rest.Length > 0 && int.TryParse(options.Rest[0], out var given) ? given : 5;
        using var sessionOptions = SessionOptions();
        foreach (var variant in options.Rest.Where(r => !int.TryParse(r, out var _)))
            Variants[variant](sessionOptions);
        var session = new InferenceSession(options.Model, sessionOptions);
        var loadPeak = MemorySampler.ProcessPeak;
        var resetPeak = ResetPeak();
        var (name, input) = Input(session);
        using var inputValue = input;
        var outputs = session.OutputNames.Take(1).ToArray();
        using var runOptions = new RunOptions();
        using (session.Run(runOptions, [name], [input], outputs))
        {
        }
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using (session.Run(runOptions, [name], [input], outputs))
                times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        var sincePeak = MemorySampler.ProcessPeak; // the runs' own peak where VmHWM was reset, else the process's
        session.Dispose();
        Console.WriteLine($"RESULT ms={times[runs / 2]:0} min={times[0]:0} max={times[^1]:0} peakWS={Math.Max(loadPeak, sincePeak) / 1048576} " +
                          $"loadWS={loadPeak / 1048576} runWS={(resetPeak ? sincePeak / 1048576 : -1)}");
        return 0;
    }

    /// <summary>ONNX Runtime's footprint options tried against the floor's own (issue 25), by the name the bare mode takes.</summary>
    internal static readonly IReadOnlyDictionary<string, Action<SessionOptions>> Variants = new Dictionary<string, Action<SessionOptions>>
    {
        ["arena-off"] = o => o.EnableCpuMemArena = false,
        ["pattern-on"] = o => o.EnableMemoryPattern = true,
        ["prepack-off"] = o => o.AddSessionConfigEntry("session.disable_prepacking", "1"),
        ["init-device"] = o => o.AddSessionConfigEntry("session.use_device_allocator_for_initializers", "1"),
        // The arena grows by the size asked for instead of doubling (up to 1 GB a step): one arena for the process.
        ["arena-same"] = o =>
        {
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(0, 1, -1, -1);
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
            o.AddSessionConfigEntry("session.use_env_allocators", "1");
        },
    };

    /// <summary>Linux: clears the process's VmHWM, so the next peak read is of what follows.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The bare floor's session options: all graph optimisations, one intra-op thread per core, no spinning, no memory pattern.</summary>
    internal static SessionOptions SessionOptions()
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = RmbgPS.Engine.Inference.CpuTopology.PhysicalCores,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableMemoryPattern = false,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return sessionOptions;
    }

    /// <summary>The session's first input's name and a prepared 1x3xHxW tensor for it (a free size is 1024).</summary>
    internal static (string Name, OrtValue Value) Input(InferenceSession session)
    {
        var (name, metadata) = session.InputMetadata.First();
        var dims = metadata.Dimensions.Select(d => d > 0 ? (long)d : 1024).ToArray();
        dims[0] = 1;
        dims[1] = 3;
        return (name, Prepared(metadata.ElementDataType, dims));
    }

    /// <summary>A picture-like ramp in the model's input type: the values do not change the work, only their count does.</summary>
    private static OrtValue Prepared(TensorElementType type, long[] dims)
    {
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = (i % 1024) / 1024f - 0.5f;
        return type == TensorElementType.Float16
            ? OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)v).ToArray(), dims)
            : OrtValue.CreateTensorValueFromMemory(values, dims);
    }
}
