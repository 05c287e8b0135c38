namespace RmbgPS.HelpCompiler;

/// <summary>A help page split the way PlatyPS lays it out: front matter, "# Title", "## SECTION"s, "### Subsection"s.</summary>
internal sealed class MarkdownPage
{
    public sealed record Subsection(string Title, List<string> Lines);
    public sealed record Section(string Title, List<string> Lines, List<Subsection> Subsections);

    public string Path { get; }
    public string Title { get; private set; } = "";
    public List<Section> Sections { get; } = [];

    private MarkdownPage(string path) => Path = path;

    public static MarkdownPage Read(string path) => Parse(path, File.ReadAllLines(path));

    public static MarkdownPage Parse(string path, IReadOnlyList<string> lines)
    {
        var page = new MarkdownPage(path);
        var start = 0;
        if (lines.Count > 0 && lines[0].Trim() == "---")
        {
            start = 1;
            while (start < lines.Count && lines[start].Trim() != "---")
                start++;
            start++;
        }
        Section? section = null;
        Subsection? subsection = null;
        var inFence = false;
        for (var i = start; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                inFence = !inFence;
            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal) && page.Title.Length == 0)
                page.Title = line[2..].Trim();
            else if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = new Section(line[3..].Trim(), [], []);
                subsection = null;
                page.Sections.Add(section);
            }
            else if (!inFence && line.StartsWith("### ", StringComparison.Ordinal) && section is not null)
            {
                subsection = new Subsection(line[4..].Trim(), []);
                section.Subsections.Add(subsection);
            }
            else if (subsection is not null)
                subsection.Lines.Add(line);
            else
                section?.Lines.Add(line);
        }
        if (page.Title.Length == 0)
            throw page.Error("has no '# Title' line");
        return page;
    }

    public Section? Find(string title) =>
        Sections.FirstOrDefault(s => s.Title.Equals(title, StringComparison.OrdinalIgnoreCase));

    public Section Require(string title) => Find(title) ?? throw Error($"has no '## {title}' section");

    public FormatException Error(string what) => new($"{Path}: {what}.");
}
