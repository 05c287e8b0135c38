using System.IO.Compression;
using System.Runtime.InteropServices;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// One platform's NuGet package of ONNX Runtime's CUDA build, pinned. Sizes and SHA-256 were read from the packages
/// NuGet served on 2026-12-03; <see cref="Sha512"/> is the hash nuget.org itself publishes (the package's
/// <c>.nupkg.sha512</c>, its catalog's packageHash), to check the pins against by hand.
/// </summary>
public sealed record GpuRuntimePackage(string Id, string Version, string Rid, long Size, string Sha256, string Sha512)
{
    /// <summary>The package's path under a NuGet v3 flat container (https://api.nuget.org/v3-flatcontainer/ or a mirror's).</summary>
    public string PathUnderFlatContainer => $"{Id.ToLowerInvariant()}/{Version}/{Id.ToLowerInvariant()}.{Version}.nupkg";

    public string NativeFolderInPackage => $"runtimes/{Rid}/native/";
}

/// <summary>
/// ONNX Runtime's CUDA build, fetched on demand into the model store rather than shipped: its libraries are about
/// 330 MB per platform, past what the PowerShell Gallery takes in one package. The module's own (CPU) ONNX Runtime is
/// replaced by it when the module is imported, if it is installed for this platform and for the very ONNX Runtime
/// version the engine is built on (the managed assembly is shared by both builds).
/// </summary>
public static class GpuRuntime
{
    public const string Version = "1.32.0";
    public const string DefaultSource = "https://api.nuget.org/v3-flatcontainer/";
    public const string FolderName = ".runtimes";

    public static IReadOnlyList<GpuRuntimePackage> Packages { get; } =
    [
        new("Microsoft.ML.OnnxRuntime.Gpu.Linux", Version, "linux-x64", 245_984_223,
            "3d01949bc846d41961b37988d1e63d782a6effcb93b650a6e0577fef982d38b5",
            "PsEf6CEpArFKuJx/BzwV/++modOEQLd6Zj9kVQNP095JE69zURNt7EZjXzDeuCoOlLoZXn+uCysClZcsr4+ZDQ=="),
        new("Microsoft.ML.OnnxRuntime.Gpu.Windows", Version, "win-x64", 155_209_053,
            "485c1af4e5719d7336c2f1cdf6d3342a3fcec88d3bad9621e33a283fff77c4c7",
            "qy3xfedrUzC1jdFs2GCwdOmYKyaaIavw/u/FO57Dh2m8mROICasNj1OTsjiJrFEahzMFp0/Ojh+DPr8o+zlLTg=="),
    ];

    /// <summary>The package for this OS and CPU, or null where ONNX Runtime publishes no CUDA build (macOS, arm64).</summary>
    public static GpuRuntimePackage? ForThisMachine =>
        RuntimeInformation.ProcessArchitecture != Architecture.X64 ? null
        : Packages.FirstOrDefault(p => p.Rid == (OperatingSystem.IsWindows() ? "win-x64" : OperatingSystem.IsLinux() ? "linux-x64" : ""));

    public static string FolderFor(ModelStore store, GpuRuntimePackage package) =>
        Path.Combine(store.Root, FolderName, $"onnxruntime-gpu-{package.Version}-{package.Rid}");

    /// <summary>The installed runtime's folder in this store for this machine, or null.</summary>
    public static string? Installed(ModelStore store) =>
        ForThisMachine is { } package && FolderFor(store, package) is var folder && File.Exists(Path.Combine(folder, LibraryName)) ? folder : null;

    /// <summary>Makes this process load the installed runtime, if there is one and ONNX Runtime is not loaded yet.</summary>
    public static bool Activate(ModelStore store) => Installed(store) is { } folder && NativeLibraries.UseOnnxRuntimeFrom(folder);

    /// <summary>True when this process runs on the CUDA build from <paramref name="store"/>.</summary>
    public static bool IsActive(ModelStore store) =>
        Installed(store) is { } folder && NativeLibraries.OnnxRuntimePath is { } loaded && Paths.Comparer.Equals(Path.GetDirectoryName(loaded), folder);

    private static string LibraryName => OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so";

    /// <summary>
    /// Downloads the package (resumable, size and SHA-256 checked), takes its native libraries out into a folder of
    /// their own next to the final one, and moves that into place: an interrupted install leaves no runtime behind.
    /// </summary>
    /// <param name="source">A flat-container URL ending in '/' (NuGet v3, or a mirror of it), or the .nupkg's own URL; null for nuget.org.</param>
    public static async Task<string> InstallAsync(ModelStore store, GpuRuntimePackage package, string? source, DownloadOptions options,
        DownloadObserver observer, CancellationToken cancellationToken)
    {
        var url = PackageUrl(package, source);
        var folder = FolderFor(store, package);
        var download = Path.Combine(store.Root, FolderName, $"{package.Id}.{package.Version}.nupkg");
        var result = await ModelDownloader.DownloadAsync(new DownloadRequest(url, download) { ExpectedSize = package.Size, Sha256 = package.Sha256 },
            options, observer, cancellationToken).ConfigureAwait(false);
        var staging = folder + $".{Environment.ProcessId}.partial";
        try
        {
            observer.Message($"Taking {package.NativeFolderInPackage}* out of {package.Id} {package.Version}.");
            Extract(result.PartialPath, package, staging, cancellationToken);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            AtomicFile.TryDelete(result.PartialPath); // the package itself is not kept: 150 to 250 MB for nothing
        }
        return folder;
    }

    /// <summary>Deletes the installed runtime; false when there was none. A runtime loaded by this process stays loaded until it ends.</summary>
    public static bool Remove(ModelStore store)
    {
        if (ForThisMachine is not { } package || !Directory.Exists(FolderFor(store, package)))
            return false;
        Directory.Delete(FolderFor(store, package), recursive: true);
        return true;
    }

    public static Uri PackageUrl(GpuRuntimePackage package, string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
            return new Uri(new Uri(DefaultSource), package.PathUnderFlatContainer);
        if (!Uri.TryCreate(source, UriKind.Absolute, out var given))
            throw new DownloadException(DownloadErrorKind.InvalidSource, source,
                $"-Source '{source}' is not an absolute URL; give a NuGet v3 flat container ending in '/' (like {DefaultSource}) or the .nupkg's own URL.");
        var url = given.AbsolutePath.EndsWith('/') ? new Uri(given, package.PathUnderFlatContainer) : given;
        SourcePolicy.EnsureAllowed(url);
        return url;
    }

    private static void Extract(string nupkg, GpuRuntimePackage package, string staging, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(staging);
        using var archive = ZipFile.OpenRead(nupkg);
        var taken = 0;
        foreach (var entry in archive.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Only the libraries: import libraries (.lib) are for linking, not for running.
            if (!entry.FullName.StartsWith(package.NativeFolderInPackage, StringComparison.Ordinal) || entry.Name.Length == 0
                || entry.Name.EndsWith(".lib", StringComparison.OrdinalIgnoreCase) || entry.FullName[package.NativeFolderInPackage.Length..].Contains('/'))
                continue;
            entry.ExtractToFile(Path.Combine(staging, entry.Name));
            taken++;
        }
        if (!File.Exists(Path.Combine(staging, LibraryNameFor(package))))
            throw new InvalidDataException($"{package.Id} {package.Version} has no {package.NativeFolderInPackage}{LibraryNameFor(package)} ({taken} files taken).");
    }

    private static string LibraryNameFor(GpuRuntimePackage package) => package.Rid.StartsWith("win", StringComparison.Ordinal) ? "onnxruntime.dll" : "libonnxruntime.so";
}
