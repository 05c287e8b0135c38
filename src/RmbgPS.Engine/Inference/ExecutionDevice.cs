namespace RmbgPS.Engine.Inference;

/// <summary>Where inference runs. Auto picks the best provider this ONNX Runtime build has.</summary>
public enum ExecutionDevice
{
    Auto,
    Cpu,
    Cuda,
    DirectML,
    CoreML,
}

/// <summary>A device this ONNX Runtime build cannot use; the message lists the ones it can.</summary>
public sealed class DeviceNotAvailableException(string message) : InvalidOperationException(message);
