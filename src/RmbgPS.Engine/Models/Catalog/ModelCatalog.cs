using System.Text.Json;
using System.Text.Json.Serialization;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Engine.Models.Catalog;

/// <summary>
/// The models RmbgPS knows how to download: the built-in list (catalog.json, embedded in the engine) plus,
/// for mirrors and in-house models, a <c>catalog.json</c> in the model store whose entries add to or
/// replace the built-in ones by name.
/// </summary>
public sealed class ModelCatalog
{
    public const string BuiltInOrigin = "built-in";
    public const string FileName = "catalog.json";
    public const string HuggingFaceEndpointVariable = "HF_ENDPOINT";
    public const string DefaultHuggingFaceEndpoint = "https://huggingface.co";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Lazy<IReadOnlyList<CatalogEntry>> builtIn = new(LoadBuiltIn);

    private ModelCatalog(IReadOnlyList<CatalogEntry> entries) => Entries = entries;

    public IReadOnlyList<CatalogEntry> Entries { get; }

    /// <summary>The built-in catalog alone.</summary>
    public static ModelCatalog BuiltIn { get; } = new(builtIn.Value);

    /// <summary>The built-in catalog merged with the store's own catalog.json, when there is one.</summary>
    public static ModelCatalog ForStore(string storeFolder)
    {
        var path = Path.Combine(storeFolder, FileName);
        if (!File.Exists(path))
            return BuiltIn;
        var extra = Parse(File.ReadAllText(path), path);
        var merged = builtIn.Value.Where(b => !extra.Any(e => ModelNames.Equal(e.Name, b.Name))).Concat(extra);
        return new ModelCatalog(merged.OrderBy(e => e.Name, ModelNames.Comparer).ToList());
    }

    public CatalogEntry? Find(string name) =>
        Entries.FirstOrDefault(e => ModelNames.Equal(e.Name, name));

    /// <summary>$env:HF_ENDPOINT (as the Hugging Face tools read it), else huggingface.co.</summary>
    public static string HuggingFaceEndpoint =>
        Environment.GetEnvironmentVariable(HuggingFaceEndpointVariable) is { Length: > 0 } endpoint ? endpoint : DefaultHuggingFaceEndpoint;

    private static IReadOnlyList<CatalogEntry> LoadBuiltIn()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("RmbgPS.Engine.catalog.json")
            ?? throw new InvalidOperationException("The built-in model catalog is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), BuiltInOrigin);
    }

    /// <summary>
    /// What is wrong with where a variant comes from, or null: one of "url", "path" (with the entry's "huggingFaceRepo"),
    /// "resource" or "file" (with the entry's "npm" package); a variant in the package may add a "url" to fall back on.
    /// </summary>
    private static string? SourceProblem(CatalogEntry entry, CatalogVariant variant)
    {
        var inPackage = new[] { variant.Resource, variant.PackageFile }.Count(s => s is not null);
        var own = new[] { variant.Url, variant.HuggingFacePath }.Count(s => s is not null);
        if (inPackage > 1 || own > 1 || inPackage + own == 0 || inPackage == 1 && variant.HuggingFacePath is not null
            || variant.HuggingFacePath is not null && entry.HuggingFaceRepo is null || inPackage == 1 && entry.Npm is null)
            return "give one of \"url\", \"path\" with the entry's \"huggingFaceRepo\", or \"resource\" or \"file\" with the entry's \"npm\" package " +
                   "(a variant in the package may also give a \"url\" to use when the registry cannot serve it).";
        if (variant.PackageFile is { } file && (file.Length == 0 || file.StartsWith('/') || file.Contains('\\') || file.Split('/').Contains("..")))
            return $"\"file\" '{file}' must be a path inside the package such as dist/model.onnx.";
        return null;
    }

    private sealed class CatalogFile
    {
        [JsonPropertyName("models")] public List<CatalogEntry> Models { get; init; } = [];
    }

    /// <summary>Reads and checks a catalog; a mistake is reported with the file and the entry it is in.</summary>
    internal static IReadOnlyList<CatalogEntry> Parse(string json, string origin)
    {
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogFile>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model catalog '{origin}' is not valid JSON ({e.Message}). Fix it or delete it.", e);
        }
        var entries = file?.Models ?? [];
        foreach (var entry in entries)
        {
            entry.Origin = origin;
            string Where() => $"The model catalog '{origin}', entry '{entry.Name}'";
            if (!ModelReference.IsValidName(entry.Name))
                throw new InvalidDataException($"{Where()}: a name must be usable as a folder name: letters, digits, '-', '_' and '.'.");
            if (ModelProfiles.Find(entry.Profile) is null)
                throw new InvalidDataException($"{Where()}: unknown profile '{entry.Profile}'. Known profiles: {ModelProfiles.KnownNames}.");
            if (entry.Variants.Count == 0)
                throw new InvalidDataException($"{Where()}: it lists no variants.");
            foreach (var variant in entry.Variants)
            {
                if (!ModelReference.IsValidVariant(variant.Name))
                    throw new InvalidDataException($"{Where()}: variant names must be simple words such as fp32, fp16 or int8.");
                if (SourceProblem(entry, variant) is { } sourceProblem)
                    throw new InvalidDataException($"{Where()}, variant '{variant.Name}': {sourceProblem}");
                if (variant.Sha256 is { } sha && (sha.Length != 64 || !sha.All(Uri.IsHexDigit)))
                    throw new InvalidDataException($"{Where()}, variant '{variant.Name}': \"sha256\" must be 64 hexadecimal digits.");
                if (variant.Md5 is { } md5 && (md5.Length != 32 || !md5.All(Uri.IsHexDigit)))
                    throw new InvalidDataException($"{Where()}, variant '{variant.Name}': \"md5\" must be 32 hexadecimal digits.");
            }
            if (entry.Npm?.Problem() is { } problem)
                throw new InvalidDataException($"{Where()}: {problem}");
            if (entry.DefaultVariant is { } dv && entry.FindVariant(dv) is null)
                throw new InvalidDataException($"{Where()}: the default variant '{dv}' is not among its variants.");
        }
        var duplicate = entries.GroupBy(e => e.Name, ModelNames.Comparer).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidDataException($"The model catalog '{origin}' lists '{duplicate.Key}' more than once.");
        return entries;
    }
}
