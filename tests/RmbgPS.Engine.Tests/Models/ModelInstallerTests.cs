using System.Security.Cryptography;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Installing into a store of the test's own: downloads from a loopback server, registration of files.</summary>
public sealed class ModelInstallerTests : IDisposable
{
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 1, RetryDelay = TimeSpan.Zero };

    private readonly TempFolder folder = new();
    private readonly ModelStore store;
    private readonly byte[] model = SyntheticModel.Build(SyntheticModels.IsnetRed(64));
    private readonly LoopbackHttpServer server;
    private readonly List<string> messages = [];

    public ModelInstallerTests()
    {
        store = new ModelStore(Path.Combine(folder.Path, "store"));
        Directory.CreateDirectory(store.Root);
        server = new LoopbackHttpServer(r => r.Path switch
        {
            "/models/red.onnx" or "/mirror/red.onnx" or "/org/red/resolve/main/onnx/model.onnx" => ResponsePlan.File(model, r),
            "/models/garbage.onnx" => ResponsePlan.File("not a model"u8.ToArray(), r),
            _ => ResponsePlan.Respond(404, "Not Found"),
        });
        WriteCatalog(Sha(model), model.Length);
    }

    public void Dispose()
    {
        server.Dispose();
        folder.Dispose();
    }

    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private DownloadObserver Observer => new(_ => { }, m => messages.Add(m));

    private ModelInstaller Installer => new(store, ModelCatalog.ForStore(store.Root));

    private void WriteCatalog(string sha, long size) =>
        File.WriteAllText(Path.Combine(store.Root, ModelCatalog.FileName), $$"""
            { "models": [
              { "name": "red", "profile": "ISNet", "huggingFaceRepo": "org/red", "gated": true,
                "license": { "name": "Test NC", "url": "https://example.com/nc", "commercialUse": false },
                "defaultVariant": "fp32",
                "variants": [
                  { "name": "fp32", "url": "{{server.Url("models/red.onnx")}}", "size": {{size}}, "sha256": "{{sha}}" },
                  { "name": "hub", "path": "onnx/model.onnx", "size": {{size}}, "sha256": "{{sha}}" },
                  { "name": "unpinned", "url": "{{server.Url("models/red.onnx")}}" },
                  { "name": "garbage", "url": "{{server.Url("models/garbage.onnx")}}" }
                ] }
            ] }
            """);

    private InstalledModel Install(string variant, string? source = null, string? endpoint = null) =>
        Installer.InstallAsync(Installer.Plan("red", variant, source, endpoint ?? ModelCatalog.DefaultHuggingFaceEndpoint), null, true, Quick, Observer, CancellationToken.None)
            .GetAwaiter().GetResult();

    private string[] StoreFiles() => Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(store.Root, f)).Where(f => f != ModelCatalog.FileName).Order().ToArray();

    [Fact]
    public void A_download_lands_in_the_store_with_a_descriptor_and_loads_by_name_with_its_profile()
    {
        var installed = Install("fp32");

        Assert.Equal(store.PathFor("red", "fp32"), installed.Path);
        Assert.Equal(model, File.ReadAllBytes(installed.Path));
        Assert.Equal([Path.Combine("red", "fp32.json"), Path.Combine("red", "fp32.onnx")], StoreFiles());
        var descriptor = installed.Descriptor!;
        Assert.Equal(("red", "fp32", "ISNet"), (descriptor.Name, descriptor.Variant, descriptor.Profile));
        Assert.Equal(server.Url("models/red.onnx").ToString(), descriptor.Source);
        Assert.Equal(Sha(model), descriptor.Sha256);
        Assert.Equal(model.Length, descriptor.Size);
        Assert.Equal("Test NC", descriptor.License);
        Assert.NotNull(descriptor.LicenseAccepted);
        Assert.NotNull(descriptor.Installed);

        var location = ModelLocator.Locate("red", null, store);
        Assert.Equal(installed.Path, location.Path);
        var session = new ModelSession(location, new EngineSettings(), ExecutionDevice.Cpu);
        Assert.Equal("red:fp32", session.ModelName);
        Assert.Same(ModelProfiles.Isnet, session.Profile);
        Assert.Contains("descriptor", session.ProfileReason);
        session.Retire();
    }

    [Fact]
    public void Hugging_Face_variants_come_from_the_endpoint_and_Source_replaces_any_url()
    {
        Install("hub", endpoint: server.BaseUri.ToString());
        Assert.Equal("/org/red/resolve/main/onnx/model.onnx", server.Requests.Last().Path);

        var plan = Installer.Plan("red", "fp32", server.Url("mirror/").ToString(), ModelCatalog.DefaultHuggingFaceEndpoint);
        Assert.Equal(server.Url("mirror/red.onnx"), plan.Url);
        Assert.False(plan.FromHuggingFace);
        Assert.Equal(server.Url("elsewhere/file.onnx"), Installer.Plan("red", null, server.Url("elsewhere/file.onnx").ToString(), "https://x").Url);

        Assert.True(Installer.Plan("RED", "HUB", null, "https://hf-mirror.example").FromHuggingFace);
        Assert.Equal("https://hf-mirror.example/org/red/resolve/main/onnx/model.onnx", Installer.Plan("red", "hub", null, "https://hf-mirror.example").Url.ToString());
    }

    [Fact]
    public void A_plan_knows_what_is_installed_and_which_token_goes_where()
    {
        using var environment = new EnvironmentScope().Set(DownloadToken.Variable, "hf_FromTheEnvironment");
        Assert.Null(Installer.Plan("red", "fp32", null, "https://x").Installed);
        var installed = Install("fp32");
        Assert.Equal(installed.Path, Installer.Plan("RED", "FP32", null, "https://x").Installed?.Path);
        Assert.Null(Installer.Plan("red", "hub", null, "https://x").Installed);

        var hub = Installer.Plan("red", "hub", null, "https://hf-mirror.example");
        Assert.Equal("hf_FromTheEnvironment", DownloadToken.For(hub, null).Value);
        Assert.Contains("$env:HF_TOKEN", DownloadToken.For(hub, null).Origin);
        Assert.Equal(("hf_Given", "with the -Token"), (DownloadToken.For(hub, "hf_Given").Value, DownloadToken.For(hub, "hf_Given").Origin));
        // The environment's token is for Hugging Face only: never sent to a -Source mirror or a plain URL.
        var mirror = Installer.Plan("red", "hub", server.Url("mirror/").ToString(), "https://x");
        Assert.Null(DownloadToken.For(mirror, null).Value);
        Assert.Null(DownloadToken.For(Installer.Plan("red", "fp32", null, "https://x"), null).Value);
        Assert.Equal("hf_Given", DownloadToken.For(mirror, "hf_Given").Value);
        environment.Set(DownloadToken.Variable, "");
        Assert.Equal("without a token", DownloadToken.For(hub, null).Origin);
    }

    [Fact]
    public void Planning_refuses_unknown_names_and_variants_and_plain_http_mirrors()
    {
        var unknown = Assert.Throws<ModelInstallException>(() => Installer.Plan("nope", null, null, "https://x"));
        Assert.Equal(InstallErrorKind.UnknownModel, unknown.Kind);
        Assert.Contains("RMBG-2.0", unknown.Message);
        Assert.Contains("-Path", unknown.Message);
        var variant = Assert.Throws<ModelInstallException>(() => Installer.Plan("red", "fp64", null, "https://x"));
        Assert.Contains("fp32, hub, unpinned, garbage", variant.Message);
        var insecure = Assert.Throws<DownloadException>(() => Installer.Plan("red", null, "http://mirror.example/models/", "https://x"));
        Assert.Equal(DownloadErrorKind.InsecureSource, insecure.Kind);
    }

    [Fact]
    public void Without_a_pinned_hash_the_download_must_load_in_ONNX_Runtime()
    {
        Assert.Equal(model, File.ReadAllBytes(Install("unpinned").Path));
        Assert.Contains(messages, m => m.Contains("No checksum is pinned"));

        var e = Assert.Throws<ModelInstallException>(() => Install("garbage"));
        Assert.Equal(InstallErrorKind.NotAModel, e.Kind);
        Assert.DoesNotContain(StoreFiles(), f => f.Contains("garbage"));
    }

    [Fact]
    public void A_checksum_mismatch_leaves_nothing_installed()
    {
        WriteCatalog(new string('a', 64), model.Length);
        var e = Assert.Throws<DownloadException>(() => Install("fp32"));
        Assert.Equal(DownloadErrorKind.ChecksumMismatch, e.Kind);
        Assert.Empty(StoreFiles());
        Assert.Empty(store.List());
    }

    [Fact]
    public void Registering_the_real_ISNet_model_records_its_profile_so_it_runs_right_under_any_name()
    {
        var installed = Installer.Register(TestAssets.IsnetModelPath, "my-isnet", null, null, false, Observer, CancellationToken.None);

        Assert.Equal(store.PathFor("my-isnet", ModelInstaller.CustomVariant), installed.Path);
        Assert.Equal("ISNet", installed.Descriptor!.Profile);
        Assert.Equal(TestAssets.IsnetModelPath, installed.Descriptor.Source);
        using (var stream = File.OpenRead(TestAssets.IsnetModelPath))
            Assert.Equal(Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant(), installed.Descriptor.Sha256);
        // Copied under a name that no longer says "isnet", the tensor names alone would suggest RMBG-1.4.
        var facts = ModelProbe.Read(installed.Path) with { Descriptor = null };
        Assert.Same(ModelProfiles.Rmbg14, ProfileDetector.Detect(facts).Profile);
        Assert.Equal(installed.Path, ModelLocator.Locate("my-isnet", null, store).Path);

        var again = Assert.Throws<ModelInstallException>(() => Installer.Register(TestAssets.IsnetModelPath, "my-isnet", null, null, false, Observer, CancellationToken.None));
        Assert.Equal(InstallErrorKind.AlreadyInstalled, again.Kind);
        Assert.Contains("-Force", again.Message);
    }

    [Fact]
    public void Registering_a_file_under_a_catalog_name_checks_it_against_the_pinned_hash()
    {
        var e = Assert.Throws<ModelInstallException>(() => Installer.Register(TestAssets.IsnetModelPath, "RMBG-1.4", "fp16", null, false, Observer, CancellationToken.None));
        Assert.Equal(InstallErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains("-Variant", e.Message);
        Assert.Empty(StoreFiles());
        Assert.Empty(Directory.GetDirectories(store.Root));

        var synthetic = folder.File("red-copy.onnx");
        File.WriteAllBytes(synthetic, model);
        var registered = Installer.Register(synthetic, "red", null, null, false, Observer, CancellationToken.None);
        Assert.Equal("red:fp32", registered.ToString());
        Assert.Equal("Test NC", registered.Descriptor!.License);
    }

    [Fact]
    public void Registering_needs_a_profile_it_can_tell_and_a_file_that_is_a_model()
    {
        var anonymous = SyntheticModel.Write(folder.File("weights.onnx"), new SyntheticModelSpec { Size = 32, InputName = "x" });
        var unknown = Assert.Throws<ModelInstallException>(() => Installer.Register(anonymous, "mine", null, null, false, Observer, CancellationToken.None));
        Assert.Equal(InstallErrorKind.UnknownProfile, unknown.Kind);
        Assert.Contains("-Profile", unknown.Message);

        var given = Installer.Register(anonymous, "mine", "fp32", "birefnet", false, Observer, CancellationToken.None);
        Assert.Equal("BiRefNet", given.Descriptor!.Profile);

        var text = folder.File("readme.onnx");
        File.WriteAllText(text, "hello");
        Assert.Equal(InstallErrorKind.NotAModel, Assert.Throws<ModelInstallException>(() => Installer.Register(text, "text", null, "ISNet", false, Observer, CancellationToken.None)).Kind);
        foreach (var (name, variant) in new[] { ("a:b", null), ("a/b", null), ("x.onnx", null), ("ok", "a:b"), ("ok", "fp.16"), ("ok", "a?") })
            Assert.Equal(InstallErrorKind.InvalidName, Assert.Throws<ModelInstallException>(() => Installer.Register(anonymous, name, variant, "ISNet", false, Observer, CancellationToken.None)).Kind);
        Assert.Equal(InstallErrorKind.SourceFileNotFound, Assert.Throws<ModelInstallException>(() => Installer.Register(folder.File("none.onnx"), "x", null, "ISNet", false, Observer, CancellationToken.None)).Kind);
        Assert.Equal([Path.Combine("mine", "fp32.json"), Path.Combine("mine", "fp32.onnx")], StoreFiles());
        Assert.Equal([Path.Combine(store.Root, "mine")], Directory.GetDirectories(store.Root));
    }
}
