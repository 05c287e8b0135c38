namespace RmbgPS.Tests;

/// <summary>The CUDA flavour (./build.ps1 -Gpu) built from this checkout, on a machine without CUDA.</summary>
public sealed class GpuFlavourTests(GpuFlavourModule module) : IClassFixture<GpuFlavourModule>
{
    [WithoutCudaFact]
    public void The_CUDA_flavour_without_CUDA_runs_on_the_CPU_says_why_once_and_refuses_Cuda_once()
    {
        var lines = CudaFallbackCheck.Run(module.Manifest);
        Assert.Contains(lines, l => l.StartsWith($"library: {module.ModuleFolder}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_CUDA_flavour_ships_ONNX_Runtimes_CUDA_build_of_the_same_version()
    {
        var native = Path.Combine(module.ModuleFolder, "engine", "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_cuda.so")), module.BuildLog);
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_shared.so")));
        Assert.True(File.Exists(Path.Combine(module.ModuleFolder, "engine", "runtimes", "win-x64", "native", "onnxruntime_providers_cuda.dll")));
        Assert.DoesNotContain("NU1603", module.BuildLog);
    }
}
