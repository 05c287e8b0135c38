using System.Xml.Linq;
using RmbgPS.HelpCompiler;

namespace RmbgPS.Tests;

/// <summary>The help compiler on small pages: what it keeps, what it drops, and what it refuses.</summary>
public sealed class HelpCompilerTests
{
    private static MarkdownPage Page(string text) => MarkdownPage.Parse("test.md", text.Replace("\r", "").Split('\n'));

    [Fact]
    public void Paragraphs_join_prose_split_bullets_and_keep_code_lines()
    {
        var paragraphs = MarkdownText.Paragraphs([
            "First line", "goes on **here** with `code`.", "", "- one", "  continued", "- [Get-ImageMask](Get-ImageMask.md)",
            "", "```powershell", "Get-Item x |", "  Remove-ImageBackground", "```", "[site](https://example.org)"]);
        Assert.Equal([
            "First line goes on here with code.", "- one continued", "- Get-ImageMask",
            "    Get-Item x |\n      Remove-ImageBackground", "site (https://example.org)"], paragraphs);
    }

    [Fact]
    public void A_cmdlet_page_becomes_MAML_with_syntax_per_set_and_switches_without_values()
    {
        var page = Page("""
            ---
            schema: 2.0.0
            ---
            # Get-Thing
            ## SYNOPSIS
            Gets things.
            ## SYNTAX
            ### A (Default)
            ```
            Get-Thing [-Name] <String> [-Force]
            ```
            ### B
            ```
            Get-Thing -Id <Int32> [-Force]
            ```
            ## DESCRIPTION
            Long text.
            ## EXAMPLES
            ### Example 1: One
            ```powershell
            Get-Thing x
            ```
            Gets x.
            ## PARAMETERS
            ### -Force
            Forces it.
            ```yaml
            Type: SwitchParameter
            Parameter Sets: (All)
            Aliases:
            Required: False
            Position: Named
            Default value: False
            Accept pipeline input: False
            Accept wildcard characters: False
            ```
            ### -Id
            The id.
            ```yaml
            Type: Int32
            Parameter Sets: B
            Aliases: I
            Required: True
            Position: Named
            Default value: None
            Accept pipeline input: True (ByPropertyName)
            Accept wildcard characters: False
            ```
            ### -Name
            The name.
            ```yaml
            Type: String
            Parameter Sets: A
            Aliases:
            Required: True
            Position: 0
            Default value: None
            Accept pipeline input: True (ByValue)
            Accept wildcard characters: True
            ```
            ### CommonParameters
            Common.
            ## INPUTS
            ### System.String
            A name.
            ## OUTPUTS
            ### Thing
            A thing.
            ## NOTES
            Note.
            ## RELATED LINKS
            [Other](Other.md)
            """);
        var help = CommandHelpReader.Read(page);
        var xml = MamlWriter.Write([help]);
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10", maml = "http://schemas.microsoft.com/maml/2004/10";

        var items = xml.Descendants(command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["Name", "Force"], items[0].Elements(command + "parameter").Select(p => p.Element(maml + "name")!.Value));
        Assert.Equal(["Id", "Force"], items[1].Elements(command + "parameter").Select(p => p.Element(maml + "name")!.Value));
        Assert.Null(items[0].Elements(command + "parameter").Last().Element(command + "parameterValue"));
        var name = xml.Descendants(command + "parameters").Single().Elements().Single(p => p.Element(maml + "name")!.Value == "Name");
        Assert.Equal("0", name.Attribute("position")!.Value);
        Assert.Equal("true", name.Attribute("globbing")!.Value);
        Assert.Equal("True (ByValue)", name.Attribute("pipelineInput")!.Value);
        Assert.Equal("Get-Thing x", xml.Descendants(XName.Get("code", "http://schemas.microsoft.com/maml/dev/2004/10")).Single().Value);
        Assert.Equal("Other", xml.Descendants(maml + "linkText").Single().Value);
    }

    [Fact]
    public void A_page_without_a_required_section_or_metadata_is_refused_by_name()
    {
        var noSynopsis = Assert.Throws<FormatException>(() => CommandHelpReader.Read(Page("# Get-Thing\n## SYNTAX\n")));
        Assert.Contains("test.md", noSynopsis.Message);
        Assert.Contains("SYNOPSIS", noSynopsis.Message);
        var noYaml = Assert.Throws<FormatException>(() => CommandHelpReader.Read(Page(
            "# Get-Thing\n## SYNOPSIS\nx\n## SYNTAX\n## DESCRIPTION\nx\n## EXAMPLES\n## PARAMETERS\n### -Name\nText only.\n## INPUTS\n## OUTPUTS\n")));
        Assert.Contains("-Name", noYaml.Message);
    }

    [Fact]
    public void An_about_topic_is_wrapped_text_with_indented_code()
    {
        var text = AboutTopicWriter.Write(Page("# about_Thing\n## SHORT DESCRIPTION\nShort.\n## LONG DESCRIPTION\n" +
            string.Join(" ", Enumerable.Repeat("word", 40)) + "\n\n    Get-Thing -Name x\n\n- a bullet " + string.Join(" ", Enumerable.Repeat("longer", 15))));
        var lines = text.Split(Environment.NewLine);
        Assert.Equal("TOPIC", lines[0]);
        Assert.Equal("    about_Thing", lines[1]);
        Assert.Contains("SHORT DESCRIPTION", lines);
        Assert.Contains("        Get-Thing -Name x", lines);
        Assert.All(lines, l => Assert.True(l.Length <= AboutTopicWriter.Width, l));
        Assert.Contains(lines, l => l.StartsWith("    - a bullet", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("      longer", StringComparison.Ordinal));
    }
}
