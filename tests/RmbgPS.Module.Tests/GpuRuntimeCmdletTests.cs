namespace RmbgPS.Tests;

/// <summary>
/// Install-RmbgGpuRuntime from a loopback server serving Microsoft's real package (from the NuGet cache) into a store of
/// the test's own, then the CPU module in fresh sessions: it switches to the CUDA build, behaves honestly without CUDA,
/// and goes back to its own build after Uninstall-RmbgGpuRuntime.
/// </summary>
public sealed class GpuRuntimeCmdletTests : IDisposable
{
    private const string PackagePath = "microsoft.ml.onnxruntime.gpu.linux/1.32.0/microsoft.ml.onnxruntime.gpu.linux.1.32.0.nupkg";
    private readonly string store = Path.Combine(Path.GetTempPath(), $"rmbgps-gpu-runtime-{Guid.NewGuid():N}");
    private readonly Lazy<byte[]> package = new(() => File.ReadAllBytes(Path.Combine(PwshProcess.NuGetPackagesRoot, PackagePath)));
    private readonly LoopbackHttpServer server;

    public GpuRuntimeCmdletTests() =>
        server = new LoopbackHttpServer(r => r.Path == "/flat/" + PackagePath ? ResponsePlan.File(package.Value, r) : ResponsePlan.Respond(404, "Not Found"));

    public void Dispose()
    {
        server.Dispose();
        try { Directory.Delete(store, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Environment => new() { ["RMBG_MODEL_HOME"] = store, ["RMBG_MODEL"] = null };

    private List<string> Pwsh(string script, params string[] arguments)
    {
        var r = PwshProcess.RunScript(script, arguments, TimeSpan.FromMinutes(5), Environment);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }

    [WithoutCudaFact]
    public void The_CUDA_build_installed_on_demand_replaces_the_modules_own_and_falls_back_honestly()
    {
        var runtime = Path.Combine(store, ".runtimes", "onnxruntime-gpu-1.32.0-linux-x64");
        var installed = Pwsh("""
            param($Manifest, $Source)
            $ErrorActionPreference = 'Stop'
            Import-Module $Manifest
            $info = Install-RmbgGpuRuntime -Source $Source -PassThru -Confirm:$false
            "installed: $($info.Package) $($info.Version) $($info.Platform) active=$($info.IsActive) size=$($info.Size)"
            "path: $($info.Path)"
            "library: $((Get-RmbgDevice).OnnxRuntimeLibrary)"
            $again = Install-RmbgGpuRuntime -Source $Source -Verbose 4>&1 | Out-String
            "again: $($again -match 'already installed')"
            """, PowerShellHost.ModuleManifest, server.Url("flat/").ToString());

        // Nothing of ONNX Runtime was loaded before the install, so the session switched at once.
        Assert.Contains(installed, l => l.StartsWith("installed: Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0 linux-x64 active=True size=", StringComparison.Ordinal));
        Assert.Contains($"path: {runtime}", installed);
        Assert.Contains($"library: {Path.Combine(runtime, "libonnxruntime.so")}", installed);
        Assert.Contains("again: True", installed);
        Assert.Single(server.Requests); // the second install found it installed
        Assert.Equal(["libonnxruntime.so", "libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so", "libonnxruntime_providers_tensorrt.so"],
            Directory.GetFiles(runtime).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.Combine(store, ".runtimes"))); // the package itself is not kept

        // A new session loads it at import, and is honest about the missing CUDA libraries.
        var check = CudaFallbackCheck.Run(PowerShellHost.ModuleManifest, Environment);
        Assert.Contains($"library: {Path.Combine(runtime, "libonnxruntime.so")}", check);

        var removed = Pwsh("""
            param($Manifest)
            Import-Module $Manifest
            Uninstall-RmbgGpuRuntime -Confirm:$false -Verbose 4>&1 | ForEach-Object { "verbose: $_" }
            """, PowerShellHost.ModuleManifest);
        Assert.Contains(removed, l => l.StartsWith($"verbose: Deleted '{runtime}'", StringComparison.Ordinal));
        Assert.False(Directory.Exists(runtime));
        var after = Pwsh("""
            param($Manifest)
            Import-Module $Manifest
            $device = Get-RmbgDevice
            "library: $($device.OnnxRuntimeLibrary)"
            "providers: $($device.AvailableProviders -join ',')"
            """, PowerShellHost.ModuleManifest);
        Assert.Contains($"library: {Path.Combine(Path.GetDirectoryName(PowerShellHost.ModuleManifest)!, "engine", "runtimes", "linux-x64", "native", "libonnxruntime.so")}", after);
        Assert.Contains("providers: CPUExecutionProvider", after);
    }
}
