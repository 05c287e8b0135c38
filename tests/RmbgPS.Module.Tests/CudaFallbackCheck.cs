using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// What a new user of ONNX Runtime's CUDA build meets on a machine without NVIDIA's libraries, checked in a fresh pwsh:
/// Auto runs on the CPU and says why once, -Device Cuda is refused once with the missing library named, ONNX Runtime's
/// own log stays off the console (and shows under -Verbose), and every result names the provider that ran. Shared by
/// the CUDA flavour build and the CUDA build installed on demand, which must behave alike.
/// </summary>
public static class CudaFallbackCheck
{
    // $args: a command that imports the module (a manifest path), a model, a folder of two photos, an output folder.
    private const string Script = """
        param($Import, $Model, $Photos, $Out)
        $ErrorActionPreference = 'Stop'
        Import-Module $Import
        $device = Get-RmbgDevice
        "providers: $($device.AvailableProviders -join ',')"
        "effective: $($device.EffectiveDevice) $($device.ExecutionProvider)"
        "problem: $($device.DeviceProblem)"
        "library: $($device.OnnxRuntimeLibrary)"

        $streams = Get-ChildItem -LiteralPath $Photos | Remove-ImageBackground -Model $Model -OutputPath $Out -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        $streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { "verbose: $($_.Message)" }
        $results = $streams | Where-Object { $_ -is [RmbgPS.RemovalResult] }
        "warnings: $($warned.Count)"
        $warned | ForEach-Object { "warning: $_" }
        $results | ForEach-Object { "result: $($_.Device) $($_.ExecutionProvider)" }
        $mask = Get-ImageMask -LiteralPath (Get-ChildItem -LiteralPath $Photos)[0].FullName -Model $Model -WarningVariable again -WarningAction SilentlyContinue
        "warnings later: $($again.Count)"
        "mask: $($mask.ExecutionProvider)"

        try { Set-RmbgDevice -Device Cuda; 'cuda: accepted' }
        catch { "cuda: $($_.FullyQualifiedErrorId) | $($_.CategoryInfo.Category) | $($_.Exception.Message)" }
        "device after: $((Get-RmbgDevice).Device)"
        'done'
        """;

    /// <summary>Runs the check against the module at <paramref name="manifest"/> and returns pwsh's output lines, asserting on them.</summary>
    public static IReadOnlyList<string> Run(string manifest, IDictionary<string, string?>? environment = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rmbgps-cuda-check-{Guid.NewGuid():N}");
        var photos = Directory.CreateDirectory(Path.Combine(folder, "photos")).FullName;
        try
        {
            foreach (var name in new[] { "chelsea.png", "coffee.png" })
                File.Copy(TestAssets.Photo(name), Path.Combine(photos, name));
            var spec = SyntheticModelSpec.IsnetRed(64);
            spec.UnusedInitializer = true; // ONNX Runtime warns about it while loading: a native log line to route
            var model = SyntheticModel.Write(Path.Combine(folder, "red.onnx"), spec);
            var r = PwshProcess.RunScript(Script, [manifest, model, photos, Path.Combine(folder, "out")], TimeSpan.FromMinutes(3), environment);
            var lines = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

            Assert.True(r.ExitCode == 0 && lines.Contains("done"), r.ToString());
            Assert.Contains("providers: TensorrtExecutionProvider,CUDAExecutionProvider,CPUExecutionProvider", lines);
            Assert.Contains("effective: Cpu CPUExecutionProvider", lines);
            Assert.Contains(lines, l => l.StartsWith("problem: Using the CPU: The CUDA execution provider could not start: libcublasLt.so.13 could not be loaded", StringComparison.Ordinal) && l.Contains("CUDA 13.x and cuDNN 9.x"));
            // ONNX Runtime's own log, under -Verbose and nowhere else: not on the console, not about the missing library.
            Assert.Contains(lines, l => l.StartsWith("verbose: ONNX Runtime (warning): Removing initializer 'unused'", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => !l.StartsWith("verbose: ", StringComparison.Ordinal) && !l.StartsWith("library: ", StringComparison.Ordinal)
                                              && (l.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase) || l.Contains("Removing initializer", StringComparison.Ordinal)));

            Assert.Contains("warnings: 1", lines);
            Assert.Contains(lines, l => l.StartsWith("warning: Using the CPU:", StringComparison.Ordinal) && l.Contains("libcublasLt.so.13"));
            Assert.Equal(2, lines.Count(l => l == "result: Cpu CPUExecutionProvider"));
            Assert.Contains("warnings later: 0", lines);
            Assert.Contains("mask: CPUExecutionProvider", lines);

            Assert.Contains(lines, l => l.StartsWith("cuda: DeviceNotAvailable,RmbgPS.Commands.SetRmbgDeviceCommand | NotEnabled | The CUDA execution provider could not start: libcublasLt.so.13", StringComparison.Ordinal));
            Assert.Contains("device after: Auto", lines);
            return lines;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>A fact about a machine without NVIDIA's CUDA libraries: skipped, with the reason, where they load or where no CUDA build exists.</summary>
public sealed class WithoutCudaFactAttribute : FactAttribute
{
    public WithoutCudaFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Skip = "The check reads ONNX Runtime's Linux x64 messages (libcublasLt.so.13).";
        else if (GpuFlavourModule.CudaLibrariesPresent)
            Skip = "NVIDIA's CUDA libraries load on this machine: there is no fallback to test (bench/gpu-check.sh measures the GPU).";
    }
}
