using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// Something the engine has to tell the user outside a result: the once-per-process warning that Auto fell back
/// from a device the build lists, and ONNX Runtime's own log lines, which the engine keeps off the console.
/// </summary>
public readonly record struct EngineNotice(bool IsWarning, string Text)
{
    /// <summary>What is waiting to be told, once: the device notice as a warning, the runtime's log lines as verbose text.</summary>
    public static IReadOnlyList<EngineNotice> Take(RmbgEngine engine)
    {
        var notices = new List<EngineNotice>();
        if (engine.TakeDeviceNotice() is { } device)
            notices.Add(new EngineNotice(true, device));
        foreach (var line in OnnxRuntimeLog.Drain())
            notices.Add(new EngineNotice(false, $"ONNX Runtime ({line.Severity}): {line.Message}"));
        return notices;
    }
}

/// <summary>A model that was found but cannot be loaded or used (not a model, a shape RmbgPS cannot run, a bad descriptor).</summary>
public sealed class ModelLoadException(InvalidDataException inner) : Exception(inner.Message, inner);
