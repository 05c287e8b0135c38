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
    /// <summary>Child mode "bare": a warm-up run, then the median of <c>--count</c> runs (default 5).</summary>
    public static int Run(BenchOptions options)
    {
        var runs = options.Rest.Length > 0 ? int.Parse(options.Rest[0]) : 5;
        using var sessionOptions = SessionOptions();
        using var session = new InferenceSession(options.Model, sessionOptions);
        var (name, input) = Input(session);
        using var _ = input;
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
        Console.WriteLine($"RESULT ms={times[runs / 2]:0} min={times[0]:0} max={times[^1]:0} peakWS={MemorySampler.ProcessPeak / 1048576}");
        return 0;
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
