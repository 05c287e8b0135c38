using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RmbgPS.Tests;

/// <summary>
/// The CUDA flavour of the module (Microsoft.ML.OnnxRuntime.Gpu), built from this checkout's sources into a folder of
/// its own, so the CPU module that the other tests import is never touched: the sources are copied and built there
/// with -p:RmbgOrtFlavor=Gpu, under the same CI rules (warnings are errors, so a NU1603 fails it).
/// </summary>
public sealed class GpuFlavourModule : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"rmbgps-gpu-flavour-{Guid.NewGuid():N}");

    public GpuFlavourModule()
    {
        foreach (var folder in new[] { "src", "docs" })
            CopyTree(Path.Combine(TestAssets.RepoRoot, folder), Path.Combine(root, folder));
        File.Copy(Path.Combine(TestAssets.RepoRoot, "RmbgPS.psd1"), Path.Combine(root, "RmbgPS.psd1"));
        var build = new ProcessStartInfo(PwshProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var a in new[] { "build", Path.Combine(root, "src", "RmbgPS", "RmbgPS.csproj"), "-c", "Release", "-p:RmbgOrtFlavor=Gpu", "-nologo" })
            build.ArgumentList.Add(a);
        build.Environment.Remove("DOTNET_STARTUP_HOOKS");
        build.Environment.Remove("MSBuildExtensionsPath"); // the test host's MSBuild must not leak into a nested build
        using var process = Process.Start(build)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Building the GPU flavour took over 10 minutes.");
        }
        BuildLog = output.Result + errors.Result;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The GPU flavour did not build (exit code {process.ExitCode}):\n{BuildLog}");
    }

    public string BuildLog { get; }

    public string ModuleFolder => Path.Combine(root, "out", "RmbgPS");
    public string Manifest => Path.Combine(ModuleFolder, "RmbgPS.psd1");

    /// <summary>True where NVIDIA's CUDA 13 runtime libraries can be loaded: the fallback tests then have nothing to fall back from.</summary>
    public static bool CudaLibrariesPresent =>
        NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "cublasLt64_13.dll" : "libcublasLt.so.13", out var handle) && Free(handle);

    private static bool Free(IntPtr handle)
    {
        NativeLibrary.Free(handle);
        return true;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                continue;
            Directory.CreateDirectory(Path.Combine(to, relative));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
