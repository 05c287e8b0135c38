using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RmbgPS.Completers;

/// <summary>Tab completion for -BackgroundColor: the colour names the engine accepts, and '#' for a hex value.</summary>
public sealed class BackgroundColorCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        if (word.StartsWith('#'))
            return [new CompletionResult(word, "#rrggbb[aa]", CompletionResultType.ParameterValue, "A hex colour: #rgb, #rrggbb, or #rrggbbaa with alpha")];
        return Engine.Compositing.BackgroundColor.Names
            .Where(name => name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(name => name.ToLowerInvariant())
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name == "transparent" ? "no background (keeps alpha)" : name));
    }
}
