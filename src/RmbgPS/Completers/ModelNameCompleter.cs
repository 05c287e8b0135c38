using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Completers;

/// <summary>Completes installed model names, then each installed Name:Variant (for -Model and Uninstall-RmbgModel).</summary>
public sealed class InstalledModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var installed = ModelStore.Default.List();
        var names = installed.Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase);
        var references = installed.Where(m => m.Variant.Length > 0).Select(m => m.Reference.ToString());
        return Completions.Matching(names.Concat(references), wordToComplete, "installed model");
    }
}

/// <summary>Completes catalog model names (for Install-RmbgModel) and installed ones.</summary>
public sealed class CatalogModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var store = ModelStore.Default;
        var catalog = ModelCatalog.ForStore(store.Root).Entries.Select(e => e.Name);
        var installed = store.List().Select(m => m.Name);
        return Completions.Matching(catalog.Concat(installed).Distinct(StringComparer.OrdinalIgnoreCase), wordToComplete, "model");
    }
}

/// <summary>Completes the variants of the model named by -Name: the catalog's and the installed ones.</summary>
public sealed class ModelVariantCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters["Name"] switch
        {
            string s => s,
            IEnumerable<object> many => many.FirstOrDefault()?.ToString(),
            _ => null,
        };
        var store = ModelStore.Default;
        var fromCatalog = ModelCatalog.ForStore(store.Root).Entries
            .Where(e => name is null || e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Variants.Select(v => v.Name));
        var installed = store.List().Where(m => name is null || m.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(m => m.Variant);
        return Completions.Matching(fromCatalog.Concat(installed).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase), wordToComplete, "variant");
    }
}

internal static class Completions
{
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? word, string what)
    {
        var prefix = (word ?? "").Trim('\'', '"');
        return values
            .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v, StringComparer.OrdinalIgnoreCase)
            .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, $"{what} {v}"));
    }

    private static string Quote(string value) => value.IndexOfAny([' ', '\'', '$', '`', ';', '(', ')', '{', '}', ',', '@', '#']) < 0 ? value : $"'{value.Replace("'", "''")}'";
}
