using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace RmbgPS.Engine.Native;

/// <summary>One line ONNX Runtime logged: its severity (fatal, error, warning, info) and its text.</summary>
public readonly record struct NativeLogLine(string Severity, string Message);

/// <summary>
/// The process's ONNX Runtime environment, created with our logger before anything else touches ONNX Runtime.
/// ONNX Runtime otherwise prints its log (a provider that cannot load, for one) straight to the console, outside
/// PowerShell's streams; here the lines are kept, a bounded few, for the cmdlets to show under -Verbose.
/// </summary>
public static class OnnxRuntimeLog
{
    private const int Kept = 100;
    private static readonly ConcurrentQueue<NativeLogLine> lines = new();
    // Native code holds a pointer to this delegate for the life of the process: it must never be collected.
    private static readonly DOrtLoggingFunction logger = Log;
    private static readonly Lazy<OrtEnv> environment = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The ONNX Runtime environment, with our logger when we were first to create it.</summary>
    public static OrtEnv Environment => environment.Value;

    /// <summary>False when a host created ONNX Runtime's environment before us: its log then goes wherever the host said.</summary>
    public static bool Captures { get; private set; }

    /// <summary>Registers the native library resolver and creates the environment: call before any other ONNX Runtime use.</summary>
    public static void EnsureCreated() => _ = environment.Value;

    /// <summary>Takes the lines logged since the last call, oldest first.</summary>
    public static IReadOnlyList<NativeLogLine> Drain()
    {
        var taken = new List<NativeLogLine>();
        while (lines.TryDequeue(out var line))
            taken.Add(line);
        return taken;
    }

    private static OrtEnv Create()
    {
        NativeLibraries.EnsureRegistered();
        if (OrtEnv.IsCreated)
            return OrtEnv.Instance();
        var options = new EnvironmentCreationOptions
        {
            logId = "RmbgPS",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = logger,
        };
        var created = OrtEnv.CreateInstanceWithOptions(ref options);
        Captures = true;
        return created;
    }

    private static string SeverityName(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL => "fatal",
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => "error",
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => "warning",
        _ => "info",
    };

    private static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        lines.Enqueue(new NativeLogLine(SeverityName(severity), message.Trim()));
        while (lines.Count > Kept && lines.TryDequeue(out _))
        {
        }
    }
}
