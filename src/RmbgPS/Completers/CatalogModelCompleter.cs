using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Completers;

/// <summary>Completes catalog model names (for Install-RmbgModel) and installed ones.</summary>
public sealed class CatalogModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var store = ModelStore.Default;
        var catalog = ModelCatalog.ForStore(store.Root).Entries.Select(e => e.Name);
        var installed = store.List().Select(m => m.Name);
        return Completions.Matching(catalog.Concat(installed).Distinct(ModelNames.Comparer), wordToComplete, "model");
    }
}
