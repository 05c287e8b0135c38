using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using System.Runtime.InteropServices;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>Whether a device's execution provider can be created here, and if not, why and what to do.</summary>
public sealed record DeviceCheck(ExecutionDevice Device, bool Works, string? Problem);

/// <summary>
/// Tries each device's execution provider once per process, before any session is built on it. A provider compiled
/// into ONNX Runtime can still fail to load: the CUDA provider needs NVIDIA's libraries at run time, and a build that
/// merely lists it must not be taken for a working GPU.
/// </summary>
public static partial class DeviceProbe
{
    /// <summary>What this ONNX Runtime's CUDA provider needs (Microsoft.ML.OnnxRuntime.Gpu 1.32.0's requirements).</summary>
    public const string CudaRequirement = "CUDA 13.x and cuDNN 9.x";

    private static readonly ConcurrentDictionary<(ExecutionDevice, int), DeviceCheck> checks = new();

    /// <summary>The answer for a device and device id, worked out on first ask and kept for the process.</summary>
    public static DeviceCheck Check(ExecutionDevice device, int deviceId = 0) =>
        checks.GetOrAdd((device, deviceId), key => Try(key.Item1, key.Item2));

    private static DeviceCheck Try(ExecutionDevice device, int deviceId)
    {
        if (device == ExecutionDevice.Cpu)
            return new DeviceCheck(device, true, null);
        if (!ExecutionProviders.IsCompiledIn(device))
            return new DeviceCheck(device, false, NotInThisBuild(device));
        try
        {
            using var options = new SessionOptions();
            ExecutionProviders.Append(options, device, deviceId);
            return new DeviceCheck(device, true, null);
        }
        catch (OnnxRuntimeException e)
        {
            return new DeviceCheck(device, false, CannotLoad(device, e.Message));
        }
    }

    private static string NotInThisBuild(ExecutionDevice device) =>
        $"This ONNX Runtime build has no {ExecutionProviders.ProviderName(device)} (it has: {string.Join(", ", ExecutionProviders.Available)})." +
        (device == ExecutionDevice.Cuda ? " " + HowToGetCuda() : "") + OtherwiseAuto;

    private const string OtherwiseAuto = " Until then, -Device Auto picks the best device that works here (the CPU always does).";

    /// <summary>How this machine gets ONNX Runtime's CUDA build: install it, start a new session, or none is published for it.</summary>
    private static string HowToGetCuda()
    {
        if (GpuRuntime.ForThisMachine is not { } package)
            return $"ONNX Runtime publishes its CUDA build for linux-x64 and win-x64 only, not for {RuntimeInformation.RuntimeIdentifier}: this machine runs models on the CPU.";
        if (GpuRuntime.Installed(ModelStore.Default) is { } folder)
            return $"Its CUDA build is installed in '{folder}', but this process loaded ONNX Runtime before that: start a new PowerShell session to use it.";
        return $"For an NVIDIA GPU, run Install-RmbgGpuRuntime (ONNX Runtime {package.Version}'s CUDA build from NuGet, {Files.ByteSize.Megabytes(package.Size)}) and start a new PowerShell session; " +
               $"it needs NVIDIA's driver, {CudaRequirement}.";
    }

    /// <summary>The provider is in the build but would not start: name the library that is missing when ONNX Runtime says which.</summary>
    internal static string CannotLoad(ExecutionDevice device, string error)
    {
        var missing = MissingLibrary().Match(error);
        var detail = missing.Success ? $"{missing.Groups["library"].Value} could not be loaded" : $"ONNX Runtime said: {error.Trim()}";
        return device == ExecutionDevice.Cuda
            ? $"The CUDA execution provider could not start: {detail}. ONNX Runtime {OnnxRuntimeEnvironment.Instance.GetVersionString()} needs an NVIDIA driver, " +
              $"{CudaRequirement}: install them so that their libraries are found ({(OperatingSystem.IsWindows() ? "on PATH" : "on the loader's path, e.g. LD_LIBRARY_PATH")}), then start a new session."
            : $"The {ExecutionProviders.ProviderName(device)} could not start: {detail}." + OtherwiseAuto;
    }

    // "… with error: libcublasLt.so.13: cannot open shared object file" (Linux), "… error 126 … when trying to load 'x.dll'" (Windows).
    [GeneratedRegex(@"with error: (?<library>[^\s:]+): cannot open shared object file|when trying to load ""?(?<library>[^""\s]+\.dll)")]
    private static partial Regex MissingLibrary();
}
