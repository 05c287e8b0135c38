using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Models;

namespace RmbgPS.Completers;

/// <summary>Tab completion for -Profile.</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ModelProfiles.All
            .Where(p => p.Name.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue, p.Description));
}
