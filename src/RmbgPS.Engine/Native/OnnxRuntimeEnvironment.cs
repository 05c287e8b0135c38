using Microsoft.ML.OnnxRuntime;

namespace RmbgPS.Engine.Native;

/// <summary>
/// The process's one ONNX Runtime environment, created with our logger (<see cref="OnnxRuntimeLog"/>) before anything
/// else touches ONNX Runtime, so its log does not go straight to the console, outside PowerShell's streams.
/// </summary>
public static class OnnxRuntimeEnvironment
{
    private static readonly Lazy<OrtEnv> environment = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The environment, with our logger when we were first to create it.</summary>
    public static OrtEnv Instance => environment.Value;

    /// <summary>Registers the native library resolver and creates the environment: call before any other ONNX Runtime use.</summary>
    public static void EnsureCreated() => _ = environment.Value;

    private static OrtEnv Create()
    {
        NativeLibraries.EnsureRegistered();
        NativeHeap.KeepLargeBlocksMapped();
        if (OrtEnv.IsCreated)
            return OrtEnv.Instance();
        var options = new EnvironmentCreationOptions
        {
            logId = "RmbgPS",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = OnnxRuntimeLog.Logger,
        };
        var created = OrtEnv.CreateInstanceWithOptions(ref options);
        OnnxRuntimeLog.Captures = true;
        return created;
    }
}
