using RmbgPS.Engine.Models.Store;

namespace RmbgPS;

/// <summary>ONNX Runtime's CUDA build as installed in the model store (Install-RmbgGpuRuntime).</summary>
public sealed class GpuRuntimeInfo
{
    internal GpuRuntimeInfo(GpuRuntimePackage package, string folder, bool isActive)
    {
        Package = package.Id;
        Version = package.Version;
        Platform = package.Rid;
        Path = folder;
        Size = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
        IsActive = isActive;
    }

    /// <summary>The NuGet package the libraries came from (Microsoft.ML.OnnxRuntime.Gpu.Linux or .Windows).</summary>
    public string Package { get; }
    public string Version { get; }
    /// <summary>linux-x64 or win-x64.</summary>
    public string Platform { get; }
    /// <summary>The folder holding ONNX Runtime's CUDA build.</summary>
    public string Path { get; }
    /// <summary>Bytes on disk.</summary>
    public long Size { get; }
    /// <summary>True when this PowerShell session runs on it; a runtime installed after the session first used ONNX Runtime takes effect in the next session.</summary>
    public bool IsActive { get; }
}
