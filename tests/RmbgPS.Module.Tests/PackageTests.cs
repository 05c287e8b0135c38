namespace RmbgPS.Tests;

/// <summary>
/// The package as users get it: build.ps1 -Package writes the .nupkg with PSResourceGet, a folder repository
/// serves it, Save-PSResource installs it into a module path, and a fresh pwsh imports it by name.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-package-tests", Guid.NewGuid().ToString("N"));

    public PackageTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    [Fact]
    public void The_package_installs_with_PSResourceGet_and_imports_by_name_in_a_fresh_session()
    {
        var feed = Path.Combine(root, "feed");
        var modules = Path.Combine(root, "modules");
        // PSResourceGet keeps its repository list under XDG_DATA_HOME: a private one, so the user's stays untouched.
        // (.NET reports a missing XDG_DATA_HOME folder as "", and PSResourceGet would then write beside the working folder.)
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var environment = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = data };

        var pack = PwshProcess.RunFile(Path.Combine(TestAssets.RepoRoot, "build.ps1"), ["-Package", "-NoBuild", "-PackagePath", feed], TimeSpan.FromMinutes(5), environment);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var nupkg = Assert.Single(Directory.GetFiles(feed, "RmbgPS.*.nupkg"));

        var install = PwshProcess.RunScript("""
            param($Feed, $Modules)
            $ErrorActionPreference = 'Stop'
            New-Item -ItemType Directory -Path $Modules -Force | Out-Null
            Register-PSResourceRepository -Name RmbgPSTestFeed -Uri $Feed -Trusted
            Save-PSResource -Name RmbgPS -Repository RmbgPSTestFeed -Path $Modules -TrustRepository -SkipDependencyCheck
            Get-ChildItem -LiteralPath $Modules -Recurse -Filter RmbgPS.psd1 | ForEach-Object FullName
            """, [feed, modules], TimeSpan.FromMinutes(3), environment);
        Assert.True(install.ExitCode == 0, install.ToString());

        environment["PSModulePath"] = modules;
        var use = PwshProcess.RunScript("""
            param($Model, $Photo)
            $ErrorActionPreference = 'Stop'
            Import-Module RmbgPS
            $module = Get-Module RmbgPS
            "imported $($module.Version) from $($module.ModuleBase)"
            $mask = Get-ImageMask -LiteralPath $Photo -Model $Model
            "mask $($mask.Width)x$($mask.Height) ratio $($mask.ForegroundRatio)"
            (Get-Help Remove-ImageBackground).Synopsis
            """, [TestAssets.IsnetModelPath, TestAssets.Photo("chelsea.png")], TimeSpan.FromMinutes(3), environment);
        Assert.True(use.ExitCode == 0, use.ToString());
        Assert.Contains($"from {Path.Combine(modules, "RmbgPS")}", use.Output);
        Assert.Contains("mask 451x300 ratio 0.7", use.Output);
        Assert.Contains("background", use.Output); // the synopsis: help travels in the package
        Assert.True(new FileInfo(nupkg).Length < 250L * 1024 * 1024, "over the gallery's 250 MB package limit");
    }
}
