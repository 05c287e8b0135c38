using Xunit.Abstractions;

namespace RmbgPS.Tests;

/// <summary>
/// The Pester suite in real pwsh with Pester 5.7.1, so 'dotnet test' runs it and a failing Pester test fails the test
/// command: each file in a fresh pwsh (tests/Invoke-RmbgPester.ps1), and the whole folder in one pwsh with plain
/// Invoke-Pester, as contributors run it, where the files share the module's one engine per process.
/// </summary>
public sealed class PesterSuiteTests(ITestOutputHelper output)
{
    private const string PesterVersion = "5.7.1";

    // As a user runs it: no store chosen, so the default one, under a cache folder we can watch. Every
    // Pester file must work in a temporary store of its own and never touch the user's.
    private static Dictionary<string, string?> UserEnvironment(string userCache) =>
        new() { ["RMBG_MODEL_HOME"] = null, ["RMBG_MODEL"] = null, ["XDG_CACHE_HOME"] = userCache };

    public static TheoryData<string> PesterFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "tests"), "*.Tests.ps1").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(PesterFiles))]
    public void Pester_file_passes(string file)
    {
        var userCache = Path.Combine(Path.GetTempPath(), $"rmbgps-user-cache-{Guid.NewGuid():N}");
        try
        {
            var r = PwshProcess.RunFile(Path.Combine(TestAssets.RepoRoot, "tests", "Invoke-RmbgPester.ps1"),
                [Path.Combine(TestAssets.RepoRoot, "tests", file)], TimeSpan.FromMinutes(15), UserEnvironment(userCache));
            output.WriteLine(r.Output);
            Assert.True(r.ExitCode == 0, $"Pester {file}: {r}");
            Assert.Matches(@"Pester: [1-9]\d* passed, 0 failed", r.Output);
            Assert.False(Directory.Exists(Path.Combine(userCache, "RmbgPS")), $"Pester {file} wrote into the user's model store");
        }
        finally
        {
            try { Directory.Delete(userCache, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Pester_suite_passes_in_one_process()
    {
        // 'Invoke-Pester ./tests' from the repository root, nothing else: no wrapper script, so the files cannot lean
        // on anything it sets up, and every file runs after others in the same process, so none can lean on a fresh
        // engine (settings, loaded models, the store a loaded model came from) unless it sets that up itself.
        var pester = Path.Combine(PwshProcess.NuGetPackagesRoot, "pester", PesterVersion, "tools", "Pester.psd1");
        Assert.True(File.Exists(pester), $"Pester {PesterVersion} is missing at '{pester}': 'dotnet restore RmbgPS.sln' downloads it.");
        var files = Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "tests"), "*.Tests.ps1").Length;
        const string script = """
            Import-Module $args[0]
            $result = Invoke-Pester ./tests -PassThru
            "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
            "Pester files: $(@($result.Containers).Count) run, $(@($result.FailedContainers).Count) failed; failed blocks: $(@($result.FailedBlocks).Count)"
            exit ([int] ($result.Result -ne 'Passed'))
            """;
        var userCache = Path.Combine(Path.GetTempPath(), $"rmbgps-user-cache-{Guid.NewGuid():N}");
        try
        {
            var r = PwshProcess.RunScript(script, [pester], TimeSpan.FromMinutes(40), UserEnvironment(userCache));
            output.WriteLine(r.Output);
            Assert.True(r.ExitCode == 0, $"Invoke-Pester ./tests: {r}");
            Assert.Matches(@"Pester: [1-9]\d* passed, 0 failed", r.Output);
            Assert.Contains($"Pester files: {files} run, 0 failed; failed blocks: 0", r.Output);
            Assert.False(Directory.Exists(Path.Combine(userCache, "RmbgPS")), "Invoke-Pester ./tests wrote into the user's model store");
        }
        finally
        {
            try { Directory.Delete(userCache, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Every_exported_cmdlet_has_Pester_tests()
    {
        var cmdlets = ModuleManifest.ExportedCmdlets();
        Assert.Contains("Remove-ImageBackground", cmdlets);
        var suite = string.Join("\n", Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "tests"), "*.Tests.ps1").Select(File.ReadAllText));
        Assert.All(cmdlets, cmdlet => Assert.Contains(cmdlet + " ", suite));
    }
}
