using System.Text;
using System.Text.RegularExpressions;

namespace RmbgPS.HelpCompiler;

/// <summary>
/// The little markdown help pages use, turned into help paragraphs: prose joined into one line per
/// paragraph, a bullet per paragraph ("- item"), fenced or indented code kept line for line.
/// </summary>
internal static partial class MarkdownText
{
    /// <summary>Paragraphs of a block of markdown lines. A code paragraph keeps its line breaks and a 4-space indent.</summary>
    public static List<string> Paragraphs(IEnumerable<string> lines)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        var inFence = false;
        var code = new List<string>();
        var lastWasCode = false;

        void Flush()
        {
            if (current.Length > 0)
                paragraphs.Add(Inline(current.ToString()));
            current.Clear();
        }

        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (inFence)
                {
                    paragraphs.Add(string.Join("\n", code.Select(c => "    " + c)));
                    code.Clear();
                }
                else
                    Flush();
                inFence = !inFence;
                continue;
            }
            if (inFence)
            {
                code.Add(line);
                continue;
            }
            if (line.Length == 0)
            {
                Flush();
                lastWasCode = false;
                continue;
            }
            if (line.StartsWith("    ", StringComparison.Ordinal) && current.Length == 0)
            {
                // An indented code line outside any paragraph (the about topic's command examples).
                if (paragraphs.Count > 0 && paragraphs[^1].StartsWith("    ", StringComparison.Ordinal) && lastWasCode)
                    paragraphs[^1] += "\n" + line;
                else
                    paragraphs.Add(line);
                lastWasCode = true;
                continue;
            }
            lastWasCode = false;
            var trimmed = line.TrimStart();
            if (BulletStart().IsMatch(trimmed))
            {
                Flush();
                current.Append("- ").Append(BulletStart().Replace(trimmed, "", 1));
                continue;
            }
            if (current.Length > 0)
                current.Append(' ');
            current.Append(trimmed);
        }
        if (inFence)
            throw new FormatException("A code fence (```) is not closed.");
        Flush();
        return paragraphs;
    }

    /// <summary>Inline markdown to plain text: emphasis and code marks dropped, links to other pages shown by name.</summary>
    public static string Inline(string text)
    {
        text = Link().Replace(text, m =>
        {
            var label = m.Groups["text"].Value;
            var target = m.Groups["url"].Value;
            return target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || target.Length == 0 ? label : $"{label} ({target})";
        });
        text = text.Replace("**", "", StringComparison.Ordinal);
        return InlineCode().Replace(text, "$1");
    }

    /// <summary>Link lines of a RELATED LINKS section: "[text](uri)".</summary>
    public static IEnumerable<(string Text, string Uri)> Links(IEnumerable<string> lines)
    {
        foreach (var line in lines)
            foreach (Match m in Link().Matches(line))
            {
                var uri = m.Groups["url"].Value;
                yield return (m.Groups["text"].Value, uri.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "" : uri);
            }
    }

    [GeneratedRegex(@"^[-*]\s+")]
    private static partial Regex BulletStart();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\((?<url>[^)]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();
}
