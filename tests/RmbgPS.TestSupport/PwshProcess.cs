using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace RmbgPS.Tests;

/// <summary>
/// Real pwsh (7.6.10, the repository's local dotnet tool: .config/dotnet-tools.json) in a process of its own,
/// as a user starts it: for what an in-process host cannot show (a fresh session, module lookup by name,
/// assemblies another module loaded first, Pester).
/// </summary>
public static class PwshProcess
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}\n{Output}";
    }

    /// <summary>Runs a script file with arguments; the working folder is the repository root (where the tool manifest is).</summary>
    public static Result RunFile(string scriptPath, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string?>? environment = null, bool nonInteractive = true)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = TestAssets.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "pwsh", "-NoLogo", "-NoProfile" })
            start.ArgumentList.Add(a);
        if (nonInteractive)
            start.ArgumentList.Add("-NonInteractive");
        start.ArgumentList.Add("-File");
        start.ArgumentList.Add(scriptPath);
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        // A child must not inherit this test host's .NET settings (it runs its own runtime), nor colour codes.
        start.Environment.Remove("DOTNET_STARTUP_HOOKS");
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        if (environment is not null)
            foreach (var (name, value) in environment)
            {
                if (value is null)
                    start.Environment.Remove(name);
                else
                    start.Environment[name] = value;
            }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close(); // no console input, as in CI
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
            lock (output)
                throw new TimeoutException($"pwsh {Path.GetFileName(scriptPath)} ran longer than {timeout}:\n{output}");
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output)
            return new Result(process.ExitCode, output.ToString());
    }

    /// <summary>Writes a script to a temporary file and runs it (the file is deleted afterwards).</summary>
    public static Result RunScript(string script, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string?>? environment = null, bool nonInteractive = true)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rmbgps-test-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(path, script);
        try
        {
            return RunFile(path, arguments, timeout, environment, nonInteractive);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The NuGet packages folder, where restored test-only packages (Pester, an old SkiaSharp) live.</summary>
    public static string NuGetPackagesRoot =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
