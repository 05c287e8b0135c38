using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>The device a setting resolved to, and, when Auto passed over a better one that does not work, why.</summary>
public sealed record DeviceChoice(ExecutionDevice Device, string? FallbackReason)
{
    public string ProviderName => ExecutionProviders.ProviderName(Device);
}

/// <summary>Maps devices to ONNX Runtime execution providers and configures sessions for them.</summary>
public static class ExecutionProviders
{
    // Auto tries these in order: the GPU providers first, the CPU always last.
    private static readonly ExecutionDevice[] AutoOrder = [ExecutionDevice.Cuda, ExecutionDevice.DirectML, ExecutionDevice.CoreML, ExecutionDevice.Cpu];

    private static readonly Lazy<string[]> available = new(() => OnnxRuntimeEnvironment.Instance.GetAvailableProviders());

    /// <summary>The execution providers compiled into the loaded ONNX Runtime library, in its priority order (not all may load).</summary>
    public static IReadOnlyList<string> Available => available.Value;

    public static string ProviderName(ExecutionDevice device) => device switch
    {
        ExecutionDevice.Cpu => "CPUExecutionProvider",
        ExecutionDevice.Cuda => "CUDAExecutionProvider",
        ExecutionDevice.DirectML => "DmlExecutionProvider",
        ExecutionDevice.CoreML => "CoreMLExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Auto has no provider of its own."),
    };

    /// <summary>True when the loaded ONNX Runtime lists the device's provider; <see cref="DeviceProbe"/> says whether it loads.</summary>
    public static bool IsCompiledIn(ExecutionDevice device) =>
        device == ExecutionDevice.Cpu || Available.Contains(ProviderName(device), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The concrete device to use. Auto becomes the best device whose provider works, and says why it passed over one that
    /// is compiled in but does not load; a device asked for by name that does not work is a <see cref="DeviceNotAvailableException"/>.
    /// </summary>
    public static DeviceChoice Resolve(ExecutionDevice requested, int deviceId = 0)
    {
        if (requested != ExecutionDevice.Auto)
        {
            var check = DeviceProbe.Check(requested, deviceId);
            return check.Works ? new DeviceChoice(requested, null) : throw new DeviceNotAvailableException(requested, check.Problem!);
        }
        var passedOver = new List<string>();
        foreach (var device in AutoOrder)
        {
            if (!IsCompiledIn(device))
                continue;
            var check = DeviceProbe.Check(device, deviceId);
            if (check.Works)
                return new DeviceChoice(device, passedOver.Count == 0 ? null : $"Using {(device == ExecutionDevice.Cpu ? "the CPU" : ProviderName(device))}: {string.Join(" ", passedOver)}");
            passedOver.Add(check.Problem!);
        }
        throw new InvalidOperationException("The CPU execution provider is always available.");
    }

    /// <summary>Adds the provider for a concrete device; the CPU provider stays as ORT's implicit fallback.</summary>
    internal static void Append(SessionOptions options, ExecutionDevice device, int deviceId)
    {
        switch (device)
        {
            case ExecutionDevice.Cuda:
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(CudaOptions(deviceId));
                    options.AppendExecutionProvider_CUDA(cuda);
                }
                break;
            case ExecutionDevice.DirectML:
                // DirectML needs sequential execution and no memory pattern.
                options.EnableMemoryPattern = false;
                options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                options.AppendExecutionProvider_DML(deviceId);
                break;
            case ExecutionDevice.CoreML:
                options.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE);
                break;
        }
    }

    /// <summary>
    /// The CUDA provider's options. EXHAUSTIVE (the default) benchmarks every convolution algorithm on the first run, which
    /// costs seconds per model for a few percent; HEURISTIC asks cuDNN for its pick. The arena grows by what is asked, not
    /// in powers of two, so a 24-MP batch does not reserve twice its need.
    /// </summary>
    internal static Dictionary<string, string> CudaOptions(int deviceId) => new()
    {
        ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["cudnn_conv_algo_search"] = "HEURISTIC",
        ["arena_extend_strategy"] = "kSameAsRequested",
        ["do_copy_in_default_stream"] = "1",
    };
}
