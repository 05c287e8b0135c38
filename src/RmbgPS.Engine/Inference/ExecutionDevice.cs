namespace RmbgPS.Engine.Inference;

/// <summary>Where inference runs. Auto picks the best provider this ONNX Runtime build has and can load.</summary>
public enum ExecutionDevice
{
    Auto,
    Cpu,
    Cuda,
    DirectML,
    CoreML,
}

/// <summary>A device whose provider this ONNX Runtime cannot use here; the message says why and what to do.</summary>
public sealed class DeviceNotAvailableException(ExecutionDevice device, string message) : InvalidOperationException(message)
{
    public ExecutionDevice Device { get; } = device;
}
