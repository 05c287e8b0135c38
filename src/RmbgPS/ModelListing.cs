using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS;

/// <summary>The catalog joined with the store, as the model cmdlets show it.</summary>
internal static class ModelListing
{
    /// <summary>Every catalog variant (installed or not), then installed models the catalog does not list.</summary>
    public static IEnumerable<RmbgModelInfo> All(ModelStore store, ModelCatalog catalog)
    {
        var installed = store.List();
        var defaultPath = DefaultPath(store);
        var settings = RmbgEngine.Shared.Settings;
        var listed = new HashSet<InstalledModel>();
        foreach (var entry in catalog.Entries)
            foreach (var variant in entry.Variants)
            {
                var match = installed.FirstOrDefault(m => ModelNames.Same(m.Name, m.Variant, entry.Name, variant.Name));
                if (match is not null)
                    listed.Add(match);
                yield return new RmbgModelInfo(entry, variant, match, match is not null && match.Path == defaultPath, settings);
            }
        foreach (var other in installed.Where(m => !listed.Contains(m)))
            yield return new RmbgModelInfo(catalog.Find(other.Name), null, other, other.Path == defaultPath, settings);
    }

    public static RmbgModelInfo For(InstalledModel model, ModelStore store, ModelCatalog catalog)
    {
        var entry = catalog.Find(model.Name);
        var variant = model.Variant.Length == 0 ? null : entry?.FindVariant(model.Variant);
        return new RmbgModelInfo(entry, variant, model, model.Path == DefaultPath(store), RmbgEngine.Shared.Settings);
    }

    /// <summary>The model an image cmdlet without -Model would use right now, if any.</summary>
    private static string? DefaultPath(ModelStore store)
    {
        try
        {
            return ModelLocator.Locate(null, RmbgEngine.Shared.Settings.Model, store).Path;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            return null;
        }
    }
}
