using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace RmbgPS.Engine.Native;

/// <summary>One line ONNX Runtime logged: its severity (fatal, error, warning, info) and its text.</summary>
public readonly record struct NativeLogLine(string Severity, string Message);

/// <summary>
/// What ONNX Runtime logs, once <see cref="OnnxRuntimeEnvironment"/> has made this its logger. It would otherwise print
/// its log (a provider that cannot load, for one) straight to the console, outside PowerShell's streams; here the
/// lines are kept, a bounded few, for the cmdlets to show under -Verbose.
/// </summary>
public static class OnnxRuntimeLog
{
    private const int Kept = 100;
    private static readonly ConcurrentQueue<NativeLogLine> lines = new();
    // Native code holds a pointer to this delegate for the life of the process: it must never be collected.
    internal static readonly DOrtLoggingFunction Logger = Log;

    /// <summary>False when a host created ONNX Runtime's environment before us: its log then goes wherever the host said.</summary>
    public static bool Captures { get; internal set; }

    /// <summary>Takes the lines logged since the last call, oldest first.</summary>
    public static IReadOnlyList<NativeLogLine> Drain()
    {
        var taken = new List<NativeLogLine>();
        while (lines.TryDequeue(out var line))
            taken.Add(line);
        return taken;
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
