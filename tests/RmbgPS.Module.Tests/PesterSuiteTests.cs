using Xunit.Abstractions;

namespace RmbgPS.Tests;

/// <summary>
/// The Pester suite, one file at a time, each in a fresh real pwsh with Pester 5.7.1 (tests/Invoke-RmbgPester.ps1),
/// so 'dotnet test' runs it and a failing Pester test fails the test command.
/// </summary>
public sealed class PesterSuiteTests(ITestOutputHelper output)
{
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
        // As a user runs it: no store chosen, so the default one, under a cache folder we can watch. Every
        // Pester file must work in a temporary store of its own and never touch the user's.
        var userCache = Path.Combine(Path.GetTempPath(), $"rmbgps-user-cache-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string?> { ["RMBG_MODEL_HOME"] = null, ["RMBG_MODEL"] = null, ["XDG_CACHE_HOME"] = userCache };
        try
        {
            var r = PwshProcess.RunFile(Path.Combine(TestAssets.RepoRoot, "tests", "Invoke-RmbgPester.ps1"),
                [Path.Combine(TestAssets.RepoRoot, "tests", file)], TimeSpan.FromMinutes(15), environment);
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
    public void Every_exported_cmdlet_has_Pester_tests()
    {
        var cmdlets = ModuleManifest.ExportedCmdlets();
        Assert.Contains("Remove-ImageBackground", cmdlets);
        var suite = string.Join("\n", Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "tests"), "*.Tests.ps1").Select(File.ReadAllText));
        Assert.All(cmdlets, cmdlet => Assert.Contains(cmdlet + " ", suite));
    }
}
