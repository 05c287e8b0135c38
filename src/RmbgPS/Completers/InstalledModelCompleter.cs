using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Completers;

/// <summary>Completes installed model names, then each installed Name:Variant (for -Model and Uninstall-RmbgModel).</summary>
public sealed class InstalledModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var installed = ModelStore.Default.List();
        var names = installed.Select(m => m.Name).Distinct(ModelNames.Comparer);
        var references = installed.Where(m => m.Variant.Length > 0).Select(m => m.Reference.ToString());
        return Completions.Matching(names.Concat(references), wordToComplete, "installed model");
    }
}
