using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Completers;

/// <summary>Tab completion for -BackgroundImage: PowerShell's own file completion, narrowed to folders and images the decoder reads.</summary>
public sealed class ImageFileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionCompleters.CompleteFilename(wordToComplete ?? "")
            .Where(c => c.ResultType == CompletionResultType.ProviderContainer
                || ImageDecoder.Extensions.Contains(Path.GetExtension(c.ListItemText), StringComparer.OrdinalIgnoreCase));
}
