using System.IO.Compression;
using System.Security.Cryptography;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Tests;

/// <summary>ONNX Runtime's CUDA build, fetched on demand: the pins, the URL, and what an install keeps or leaves behind.</summary>
public sealed class GpuRuntimeTests : IDisposable
{
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 0, RetryDelay = TimeSpan.Zero };
    private readonly TempFolder folder = new();
    private readonly ModelStore store;

    public GpuRuntimeTests() => store = new ModelStore(Path.Combine(folder.Path, "store"));

    public void Dispose() => folder.Dispose();

    /// <summary>A package laid out as Microsoft's: the libraries under runtimes/&lt;rid&gt;/native, with an import library and other files beside.</summary>
    private static byte[] Package(string rid, params string[] natives)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in natives.Concat(["onnxruntime.lib", "sub/nested.so"]))
                using (var writer = new StreamWriter(zip.CreateEntry($"runtimes/{rid}/native/{name}").Open()))
                    writer.Write($"library {name}");
            using (var writer = new StreamWriter(zip.CreateEntry("README.md").Open()))
                writer.Write("readme");
        }
        return memory.ToArray();
    }

    private static GpuRuntimePackage Pinned(byte[] data, string rid = "linux-x64") =>
        new("Test.OnnxRuntime.Gpu", "9.9.9", rid, data.Length, Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant(), Convert.ToBase64String(SHA512.HashData(data)));

    [Fact]
    public async Task An_install_keeps_only_the_platforms_libraries_and_not_the_package()
    {
        var data = Package("linux-x64", "libonnxruntime.so", "libonnxruntime_providers_cuda.so");
        var pinned = Pinned(data);
        using var server = new LoopbackHttpServer(r => r.Path == "/flat/" + pinned.PathUnderFlatContainer ? ResponsePlan.File(data, r) : ResponsePlan.Respond(404, "Not Found"));

        var installed = await GpuRuntime.InstallAsync(store, pinned, server.Url("flat/").ToString(), Quick, DownloadObserver.None, CancellationToken.None);

        Assert.Equal(GpuRuntime.FolderFor(store, pinned), installed);
        Assert.Equal(["libonnxruntime.so", "libonnxruntime_providers_cuda.so"], Directory.GetFiles(installed).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("library libonnxruntime.so", File.ReadAllText(Path.Combine(installed, "libonnxruntime.so")));
        Assert.Equal([installed], Directory.GetFileSystemEntries(Path.Combine(store.Root, GpuRuntime.FolderName))); // no package, no staging folder
        Assert.Empty(store.List()); // not a model
    }

    [Fact]
    public async Task A_package_that_is_not_the_pinned_one_or_lacks_the_library_installs_nothing()
    {
        var data = Package("linux-x64", "libonnxruntime.so");
        var wrong = Pinned(data) with { Sha256 = new string('0', 64) };
        var empty = Package("linux-x64", "libother.so");
        using var server = new LoopbackHttpServer(r => r.Path.EndsWith(".nupkg", StringComparison.Ordinal)
            ? ResponsePlan.File(r.Path.Contains("empty") ? empty : data, r) : ResponsePlan.Respond(404, "Not Found"));

        var mismatch = await Assert.ThrowsAsync<DownloadException>(() => GpuRuntime.InstallAsync(store, wrong, server.Url("flat/").ToString(), Quick, DownloadObserver.None, CancellationToken.None));
        Assert.Equal(DownloadErrorKind.ChecksumMismatch, mismatch.Kind);
        await Assert.ThrowsAsync<InvalidDataException>(() => GpuRuntime.InstallAsync(store, Pinned(empty), server.Url("empty.nupkg").ToString(), Quick, DownloadObserver.None, CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(store.Root, GpuRuntime.FolderName)));
    }

    [Fact]
    public void The_package_comes_from_nuget_org_a_mirror_folder_or_its_own_URL_over_HTTPS()
    {
        var linux = GpuRuntime.Packages.Single(p => p.Rid == "linux-x64");
        Assert.Equal("https://api.nuget.org/v3-flatcontainer/microsoft.ml.onnxruntime.gpu.linux/1.32.0/microsoft.ml.onnxruntime.gpu.linux.1.32.0.nupkg", GpuRuntime.PackageUrl(linux, null).ToString());
        Assert.Equal("https://mirror.example/nuget/microsoft.ml.onnxruntime.gpu.linux/1.32.0/microsoft.ml.onnxruntime.gpu.linux.1.32.0.nupkg", GpuRuntime.PackageUrl(linux, "https://mirror.example/nuget/").ToString());
        Assert.Equal("https://files.example/ort.nupkg", GpuRuntime.PackageUrl(linux, "https://files.example/ort.nupkg").ToString());
        Assert.Equal(DownloadErrorKind.InsecureSource, Assert.Throws<DownloadException>(() => GpuRuntime.PackageUrl(linux, "http://mirror.example/nuget/")).Kind);
        Assert.Equal(DownloadErrorKind.InvalidSource, Assert.Throws<DownloadException>(() => GpuRuntime.PackageUrl(linux, "nuget/")).Kind);
    }

    [Fact]
    public void The_pins_follow_the_ONNX_Runtime_the_engine_is_built_on()
    {
        // The CUDA build's native library must match the managed assembly the engine references.
        var managed = typeof(Microsoft.ML.OnnxRuntime.OrtEnv).Assembly.GetName().Version!;
        Assert.Equal(GpuRuntime.Version, $"{managed.Major}.{managed.Minor}.{managed.Build}");
        Assert.All(GpuRuntime.Packages, p => Assert.Equal(GpuRuntime.Version, p.Version));
        // Where NuGet has put the packages in the local cache (the module tests download both), they match the pins.
        foreach (var package in GpuRuntime.Packages)
        {
            var id = package.Id.ToLowerInvariant();
            var cached = Path.Combine(PwshProcess.NuGetPackagesRoot, id, package.Version, $"{id}.{package.Version}.nupkg");
            if (!File.Exists(cached))
                continue;
            Assert.Equal(package.Size, new FileInfo(cached).Length);
            using var stream = File.OpenRead(cached);
            Assert.Equal(package.Sha256, Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant());
            Assert.Equal(package.Sha512, File.ReadAllText(cached + ".sha512").Trim());
        }
    }
}
