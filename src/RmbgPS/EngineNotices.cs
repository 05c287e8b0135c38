using System.Management.Automation;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Native;

namespace RmbgPS;

/// <summary>
/// What the engine has to tell the user outside a result: the once-per-process warning that Auto fell back from a
/// device the build lists, and ONNX Runtime's own log lines, which the engine keeps off the console and which show
/// under -Verbose. Written from the pipeline thread, where PowerShell accepts them.
/// </summary>
internal static class EngineNotices
{
    public static void Write(Cmdlet cmdlet)
    {
        if (RmbgEngine.Shared.TakeDeviceNotice() is { } notice)
            cmdlet.WriteWarning(notice);
        foreach (var line in OnnxRuntimeLog.Drain())
            cmdlet.WriteVerbose($"ONNX Runtime ({line.Severity}): {line.Message}");
    }
}
