using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.HelpCompiler;

namespace RmbgPS.Tests;

/// <summary>
/// Get-Help is the manual: every exported cmdlet's help (built from docs/en-US into out/RmbgPS/en-US) is
/// complete, its examples parse, and its parameter metadata says what the cmdlet really declares.
/// </summary>
public sealed class HelpTests : IDisposable
{
    private static readonly string DocsFolder = Path.Combine(TestAssets.RepoRoot, "docs", "en-US");
    private readonly PowerShellHost pwsh = new();

    public void Dispose() => pwsh.Dispose();

    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var cmdlet in ModuleManifest.ExportedCmdlets())
            data.Add(cmdlet);
        return data;
    }

    /// <summary>What the page documents: every parameter but the common ones (-WhatIf and -Confirm are documented, as PlatyPS does).</summary>
    private static IEnumerable<string> OwnParameters(CommandInfo command) =>
        command.Parameters.Keys.Where(p => !Cmdlet.CommonParameters.Contains(p) && p != "UseTransaction");

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Get_Help_Full_is_complete(string cmdlet)
    {
        var command = (CommandInfo)pwsh.Run("Get-Command $args[0]", cmdlet).Output.Single().BaseObject;
        var help = pwsh.Run("Get-Help $args[0] -Full", cmdlet).Output.Single();
        string Text(object? o) => o is null ? "" : string.Join("\n", LanguagePrimitives.GetEnumerable(o) is { } items
            ? items.Cast<object?>().Select(i => PSObject.AsPSObject(i ?? "").Properties["Text"]?.Value?.ToString() ?? i?.ToString())
            : [o.ToString()]);

        var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
        Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{cmdlet}: no synopsis");
        Assert.DoesNotContain("[<CommonParameters>]", synopsis); // what Get-Help shows when there is no help at all
        Assert.True(Text(help.Properties["description"].Value).Length > 100, $"{cmdlet}: no real description");

        var parameters = (help.Properties["parameters"].Value as PSObject)?.Properties["parameter"]?.Value;
        var documented = (LanguagePrimitives.GetEnumerable(parameters)?.Cast<object>() ?? []).Select(PSObject.AsPSObject)
            .ToDictionary(p => p.Properties["name"].Value.ToString()!, p => Text(p.Properties["description"]?.Value), StringComparer.OrdinalIgnoreCase);
        foreach (var name in OwnParameters(command))
        {
            Assert.True(documented.TryGetValue(name, out var text), $"{cmdlet} -{name}: no help");
            Assert.True(text!.Length > 20, $"{cmdlet} -{name}: help text too short: '{text}'");
        }

        var examples = LanguagePrimitives.GetEnumerable(((PSObject)help.Properties["examples"].Value).Properties["example"].Value)!
            .Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.True(examples.Count >= 2, $"{cmdlet}: {examples.Count} examples, at least 2 expected");
        foreach (var example in examples)
        {
            var code = example.Properties["code"].Value.ToString()!;
            Parser.ParseInput(code, out _, out var errors);
            Assert.True(errors.Length == 0, $"{cmdlet} example '{example.Properties["title"].Value}' does not parse: {string.Join("; ", errors.Select(e => e.Message))}\n{code}");
            Assert.True(Text(example.Properties["remarks"].Value).Length > 20, $"{cmdlet} example '{example.Properties["title"].Value}' has no explanation");
        }

        foreach (var section in new[] { "inputTypes", "returnValues", "alertSet", "relatedLinks" })
            Assert.True(help.Properties[section]?.Value is not null, $"{cmdlet}: no {section}");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void The_help_page_states_the_real_parameter_metadata(string cmdlet)
    {
        var command = (CmdletInfo)pwsh.Run("Get-Command $args[0]", cmdlet).Output.Single().BaseObject;
        var page = CommandHelpReader.Read(MarkdownPage.Read(Path.Combine(DocsFolder, cmdlet + ".md")));

        var realSets = command.ParameterSets.Select(s => s.Name).Where(s => s != "__AllParameterSets").ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(realSets.Count == 0 ? ["__AllParameterSets"] : realSets.Order(), page.ParameterSets.Select(s => s.Name).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        if (realSets.Count > 1)
            Assert.Equal(command.DefaultParameterSet, Assert.Single(page.ParameterSets, s => s.IsDefault).Name, StringComparer.OrdinalIgnoreCase);

        var own = OwnParameters(command).ToList();
        Assert.Equal(own.Order(StringComparer.OrdinalIgnoreCase), page.Parameters.Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        foreach (var doc in page.Parameters)
        {
            var real = command.Parameters[doc.Name];
            var documentedSets = new List<string>();
            foreach (var block in doc.Blocks)
            {
                var where = $"{cmdlet} -{doc.Name} ({string.Join(", ", block.Sets.DefaultIfEmpty("(All)"))})";
                var type = Nullable.GetUnderlyingType(real.ParameterType) ?? real.ParameterType;
                Assert.True(type.Name == block.Type, $"{where}: Type {block.Type}, really {type.Name}");
                Assert.Equal(real.Aliases.Order(), block.Aliases.Order());
                Assert.True(real.Attributes.OfType<SupportsWildcardsAttribute>().Any() == block.Wildcards, $"{where}: Accept wildcard characters {block.Wildcards}");
                // The cmdlet's metadata in the sets this block covers (every set of the parameter for "(All)").
                var metadata = real.ParameterSets.Where(s => block.Sets.Count == 0 || block.Sets.Contains(s.Key, StringComparer.OrdinalIgnoreCase)).Select(s => s.Value).ToList();
                Assert.True(metadata.Count > 0, $"{where}: not a set of this parameter");
                documentedSets.AddRange(block.Sets.Count == 0 ? real.ParameterSets.Keys : block.Sets);
                Assert.True(metadata.All(m => m.IsMandatory == block.Required), $"{where}: Required {block.Required}");
                var positions = metadata.Select(m => m.Position < 0 ? "Named" : m.Position.ToString()).Distinct().ToList();
                Assert.True(positions.SequenceEqual([block.Position]), $"{where}: Position {block.Position}, really {string.Join("/", positions)}");
                var pipelines = metadata.Select(m => (m.ValueFromPipeline, m.ValueFromPipelineByPropertyName) switch
                {
                    (true, true) => "True (ByPropertyName, ByValue)",
                    (true, false) => "True (ByValue)",
                    (false, true) => "True (ByPropertyName)",
                    _ => "False",
                }).Distinct().ToList();
                Assert.True(pipelines.SequenceEqual([block.PipelineInput]), $"{where}: Accept pipeline input '{block.PipelineInput}', really '{string.Join("/", pipelines)}'");
            }
            var realParameterSets = real.ParameterSets.Keys.Where(s => s != "__AllParameterSets").Order(StringComparer.OrdinalIgnoreCase);
            Assert.Equal(realParameterSets, documentedSets.Where(s => s != "__AllParameterSets").Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void about_RmbgPS_explains_the_concepts()
    {
        var text = string.Join("\n", pwsh.Run("Get-Help about_RmbgPS").Output.Select(o => o.ToString()));
        Assert.Contains("about_RmbgPS", text);
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("LONG DESCRIPTION", text);
        foreach (var concept in new[] { "Set-RmbgDevice", "Install-RmbgModel", "RMBG_MODEL", "ErrorId", "-ThrottleLimit" })
            Assert.Contains(concept, text);
        // Prose is wrapped; code (indented 8) is kept as written, so it can be pasted.
        Assert.All(text.Split('\n').Where(line => !line.StartsWith("        ", StringComparison.Ordinal)),
            line => Assert.True(line.TrimEnd().Length <= AboutTopicWriter.Width, $"longer than {AboutTopicWriter.Width}: {line}"));
    }
}
