using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>Maps devices to ONNX Runtime execution providers and configures sessions for them.</summary>
public static class ExecutionProviders
{
    // Auto tries these in order: the GPU providers first, the CPU always last.
    private static readonly ExecutionDevice[] AutoOrder = [ExecutionDevice.Cuda, ExecutionDevice.DirectML, ExecutionDevice.CoreML, ExecutionDevice.Cpu];

    private static readonly Lazy<string[]> available = new(() =>
    {
        NativeLibraries.EnsureRegistered();
        return OrtEnv.Instance().GetAvailableProviders();
    });

    /// <summary>The execution providers compiled into the loaded ONNX Runtime library, in its priority order.</summary>
    public static IReadOnlyList<string> Available => available.Value;

    public static string ProviderName(ExecutionDevice device) => device switch
    {
        ExecutionDevice.Cpu => "CPUExecutionProvider",
        ExecutionDevice.Cuda => "CUDAExecutionProvider",
        ExecutionDevice.DirectML => "DmlExecutionProvider",
        ExecutionDevice.CoreML => "CoreMLExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Auto has no provider of its own."),
    };

    public static bool IsAvailable(ExecutionDevice device) =>
        device == ExecutionDevice.Auto || Available.Contains(ProviderName(device), StringComparer.OrdinalIgnoreCase);

    /// <summary>The concrete device to use: Auto becomes the best available one; an unavailable one is an error.</summary>
    public static ExecutionDevice Resolve(ExecutionDevice requested)
    {
        if (requested == ExecutionDevice.Auto)
            return AutoOrder.First(IsAvailable);
        if (!IsAvailable(requested))
            throw new DeviceNotAvailableException(
                $"This ONNX Runtime build has no {ProviderName(requested)}, so -Device {requested} cannot be used. " +
                $"It has: {string.Join(", ", Available)}. " +
                (requested == ExecutionDevice.Cuda ? "For CUDA, build the module with './build.ps1 -Gpu' (Microsoft.ML.OnnxRuntime.Gpu) and install CUDA 12 and cuDNN 9. " : "") +
                "Use -Device Auto to pick the best available one.");
        return requested;
    }

    /// <summary>Adds the provider for a concrete device; the CPU provider stays as ORT's implicit fallback.</summary>
    internal static void Append(SessionOptions options, ExecutionDevice device, int deviceId)
    {
        switch (device)
        {
            case ExecutionDevice.Cuda:
                options.AppendExecutionProvider_CUDA(deviceId);
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
}
