using System.Diagnostics;

namespace RmbgPS.Tests;

/// <summary>
/// bench/gpu-check.sh, the one command that measures the GPU, run where there is none: it builds the CUDA flavour, and
/// either says clearly why there are no GPU figures (exit 3) or, with --allow-cpu, runs every step on the CPU.
/// </summary>
public sealed class GpuCheckScriptTests : IDisposable
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"rmbgps-gpu-check-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }

    private (int ExitCode, List<string> Lines, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestAssets.RepoRoot, "bench", "gpu-check.sh"));
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        start.Environment["RMBG_GPU_CHECK_WORK"] = work;
        start.Environment.Remove("DOTNET_STARTUP_HOOKS");
        start.Environment.Remove("MSBuildExtensionsPath");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("gpu-check.sh ran over 10 minutes.");
        }
        var text = output.Result + errors.Result;
        return (process.ExitCode, text.Split('\n').Select(l => l.TrimEnd('\r')).ToList(), text);
    }

    [WithoutCudaFact]
    public void Without_a_GPU_the_script_says_why_or_runs_every_step_on_the_CPU_when_allowed()
    {
        var (code, lines, output) = Run("--allow-cpu", "--quick");
        Assert.True(code == 0, output);
        Assert.Contains(lines, l => l.StartsWith("no NVIDIA GPU here", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("CUDA: not available: The CUDA execution provider could not start: libcublasLt.so.13", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("device: Cpu (CPUExecutionProvider), library ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("floor isnet-imgly-medium.onnx (88 MB): ", StringComparison.Ordinal) && l.EndsWith(" ms", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("e2e 0.5mp 866x577: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("batch: ", StringComparison.Ordinal) && l.Contains("images/s; model busy"));
        Assert.Contains("agreement: mean |difference| 0.000 levels, largest 0, IoU (alpha >= 128) 1.0000", lines); // the CPU against itself
        Assert.Contains("peak GPU memory: not measured (no nvidia-smi)", lines);

        (code, lines, output) = Run("--no-build");
        Assert.True(code == 3, output);
        Assert.Contains("No GPU figures. (--allow-cpu runs the same steps on the CPU, to check this script.)", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("floor ", StringComparison.Ordinal));
    }
}
