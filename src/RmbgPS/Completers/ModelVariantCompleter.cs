using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Completers;

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
            .Where(e => name is null || ModelNames.Equal(e.Name, name))
            .SelectMany(e => e.Variants.Select(v => v.Name));
        var installed = store.List().Where(m => name is null || ModelNames.Equal(m.Name, name)).Select(m => m.Variant);
        return Completions.Matching(fromCatalog.Concat(installed).Where(v => v.Length > 0).Distinct(ModelNames.Comparer), wordToComplete, "variant");
    }
}
