using System.Text;

namespace RmbgPS.HelpCompiler;

/// <summary>
/// Writes an about topic (docs/en-US/about_X.md) as about_X.help.txt, the plain text Get-Help shows: section
/// titles at the margin, prose indented 4 and wrapped at 80 columns, bullets with a hanging indent, code at 8.
/// </summary>
internal static class AboutTopicWriter
{
    public const int Width = 80;

    public static string Write(MarkdownPage page)
    {
        if (!page.Title.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            throw page.Error($"the title '{page.Title}' is not an about_ topic");
        page.Require("SHORT DESCRIPTION");
        page.Require("LONG DESCRIPTION");
        var text = new StringBuilder();
        text.AppendLine($"TOPIC").AppendLine($"    {page.Title}").AppendLine();
        foreach (var section in page.Sections)
        {
            text.AppendLine(section.Title.ToUpperInvariant());
            AppendBlock(text, section.Lines);
            foreach (var sub in section.Subsections)
            {
                text.AppendLine("  " + sub.Title);
                AppendBlock(text, sub.Lines);
            }
        }
        return text.ToString().TrimEnd() + Environment.NewLine;
    }

    private static void AppendBlock(StringBuilder text, IEnumerable<string> lines)
    {
        foreach (var paragraph in MarkdownText.Paragraphs(lines))
        {
            if (paragraph.StartsWith("    ", StringComparison.Ordinal))
                foreach (var codeLine in paragraph.Split('\n'))
                    text.AppendLine("    " + codeLine.TrimEnd());
            else if (paragraph.StartsWith("- ", StringComparison.Ordinal))
                Wrap(text, paragraph[2..], "    - ", "      ");
            else
                Wrap(text, paragraph, "    ", "    ");
            text.AppendLine();
        }
    }

    private static void Wrap(StringBuilder text, string paragraph, string firstIndent, string indent)
    {
        var line = new StringBuilder(firstIndent);
        var empty = true;
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                text.AppendLine(line.ToString());
                line.Clear().Append(indent);
                empty = true;
            }
            if (!empty)
                line.Append(' ');
            line.Append(word);
            empty = false;
        }
        text.AppendLine(line.ToString());
    }
}
