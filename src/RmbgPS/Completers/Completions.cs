using System.Management.Automation;

namespace RmbgPS.Completers;

/// <summary>The completion results every completer returns: matches of the typed prefix, sorted, quoted where PowerShell needs it.</summary>
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
