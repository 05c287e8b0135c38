namespace RmbgPS.HelpCompiler;

/// <summary>Reads a cmdlet's page (docs/en-US/Verb-Noun.md, PlatyPS schema 2.0.0) into <see cref="CommandHelp"/>.</summary>
internal static class CommandHelpReader
{
    public static CommandHelp Read(MarkdownPage page)
    {
        var help = new CommandHelp(page.Title);
        if (!page.Title.Contains('-'))
            throw page.Error($"the title '{page.Title}' is not a Verb-Noun cmdlet name");

        help.Synopsis = string.Join(" ", MarkdownText.Paragraphs(page.Require("SYNOPSIS").Lines));
        foreach (var set in page.Require("SYNTAX").Subsections)
        {
            var isDefault = set.Title.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
            help.ParameterSets.Add((isDefault ? set.Title[..^"(Default)".Length].Trim() : set.Title, isDefault));
        }
        help.Description.AddRange(MarkdownText.Paragraphs(page.Require("DESCRIPTION").Lines));
        foreach (var example in page.Require("EXAMPLES").Subsections)
            help.Examples.Add(ReadExample(page, example));
        foreach (var parameter in page.Require("PARAMETERS").Subsections)
        {
            if (parameter.Title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!parameter.Title.StartsWith('-'))
                throw page.Error($"the parameter heading '### {parameter.Title}' does not start with '-'");
            help.Parameters.Add(ReadParameter(page, parameter));
        }
        help.Inputs.AddRange(ReadTypes(page.Require("INPUTS")));
        help.Outputs.AddRange(ReadTypes(page.Require("OUTPUTS")));
        help.Notes.AddRange(MarkdownText.Paragraphs(page.Find("NOTES")?.Lines ?? []));
        help.RelatedLinks.AddRange(MarkdownText.Links(page.Find("RELATED LINKS")?.Lines ?? []));
        return help;
    }

    private static ExampleHelp ReadExample(MarkdownPage page, MarkdownPage.Subsection example)
    {
        var open = example.Lines.FindIndex(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        var close = open < 0 ? -1 : example.Lines.FindIndex(open + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        if (close < 0)
            throw page.Error($"example '{example.Title}' has no closed ```powershell code block");
        var code = string.Join("\n", example.Lines.Skip(open + 1).Take(close - open - 1)).Trim('\n');
        var remarks = MarkdownText.Paragraphs(example.Lines.Take(open).Concat(example.Lines.Skip(close + 1)));
        return new ExampleHelp(example.Title, code, remarks);
    }

    private static ParameterHelp ReadParameter(MarkdownPage page, MarkdownPage.Subsection section)
    {
        var blocks = new List<ParameterMetadata>();
        var descriptionEnd = -1;
        for (var open = section.Lines.FindIndex(IsYamlStart); open >= 0; open = section.Lines.FindIndex(open + 1, IsYamlStart))
        {
            var close = section.Lines.FindIndex(open + 1, l => l.Trim() == "```");
            if (close < 0)
                throw page.Error($"parameter '{section.Title}' has an unclosed ```yaml block");
            descriptionEnd = descriptionEnd < 0 ? open : descriptionEnd;
            blocks.Add(ReadMetadata(page, section.Title, section.Lines.Skip(open + 1).Take(close - open - 1)));
            open = close;
        }
        if (blocks.Count == 0)
            throw page.Error($"parameter '{section.Title}' has no ```yaml metadata block");
        return new ParameterHelp(section.Title[1..], MarkdownText.Paragraphs(section.Lines.Take(descriptionEnd)), blocks);
    }

    private static bool IsYamlStart(string line) => line.Trim() == "```yaml";

    private static ParameterMetadata ReadMetadata(MarkdownPage page, string parameter, IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        string Field(string name) => fields.TryGetValue(name, out var value) ? value : throw page.Error($"parameter '{parameter}' has no '{name}:' line");
        static IReadOnlyList<string> List(string value) =>
            value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        var sets = Field("Parameter Sets");
        return new ParameterMetadata
        {
            Type = Field("Type"),
            Sets = sets.Equals("(All)", StringComparison.OrdinalIgnoreCase) ? [] : List(sets),
            Aliases = List(Field("Aliases")),
            Required = bool.Parse(Field("Required")),
            Position = Field("Position"),
            DefaultValue = Field("Default value"),
            PipelineInput = Field("Accept pipeline input"),
            Wildcards = bool.Parse(Field("Accept wildcard characters")),
        };
    }

    private static IEnumerable<TypeHelp> ReadTypes(MarkdownPage.Section section) =>
        section.Subsections.Select(s => new TypeHelp(s.Title, MarkdownText.Paragraphs(s.Lines)));
}
