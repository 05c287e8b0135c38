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

/// <summary>One downloadable file of a model: a precision (fp32, fp16, int8) with where to get it and how to check it.</summary>
public sealed class CatalogVariant
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>An absolute URL; when absent the file is <see cref="HuggingFacePath"/> in the entry's Hugging Face repository.</summary>
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("path")] public string? HuggingFacePath { get; init; }
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
    [JsonPropertyName("defaultVariant")] public string? DefaultVariant { get; init; }
    [JsonPropertyName("variants")] public IReadOnlyList<CatalogVariant> Variants { get; init; } = [];

    /// <summary>Where the entry came from: the module's built-in catalog or a catalog file's path.</summary>
    [JsonIgnore] public string Origin { get; internal set; } = ModelCatalog.BuiltInOrigin;

    public CatalogVariant? FindVariant(string? name) =>
        string.IsNullOrEmpty(name)
            ? Variants.FirstOrDefault(v => v.Name.Equals(DefaultVariant, StringComparison.OrdinalIgnoreCase)) ?? Variants.FirstOrDefault()
            : Variants.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The URL a variant downloads from: its own URL, or its path in the Hugging Face repository at <paramref name="huggingFaceEndpoint"/>.</summary>
    public Uri ResolveUrl(CatalogVariant variant, string huggingFaceEndpoint)
    {
        if (variant.Url is { } absolute)
            return new Uri(absolute);
        return new Uri($"{huggingFaceEndpoint.TrimEnd('/')}/{HuggingFaceRepo}/resolve/{Revision}/{variant.HuggingFacePath}");
    }

    /// <summary>True when the variant is served by the Hugging Face hub (where a token may be needed).</summary>
    public static bool IsHuggingFaceHosted(CatalogVariant variant) => variant.Url is null;

    public override string ToString() => Name;
}
