using System.Xml.Linq;

namespace RmbgPS.HelpCompiler;

/// <summary>Writes cmdlet help as MAML, the XML that Get-Help reads for binary modules (the layout PlatyPS emits).</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement)));

    private static XElement CommandElement(CommandHelp help) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description([help.Synopsis])),
            Description(help.Description),
            new XElement(Command + "syntax", help.ParameterSets.Select(set => SyntaxItem(help, set.Name))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p.Name, p.Description, p.First, inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeElement("inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeElement("returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select((e, i) => Example(e))),
            new XElement(Command + "relatedLinks", help.RelatedLinks.Select(link =>
                new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", link.Text),
                    new XElement(Maml + "uri", link.Uri)))));

    /// <summary>The parameters of one set: positional ones first by position, then the others in page order.</summary>
    private static XElement SyntaxItem(CommandHelp help, string set)
    {
        var members = help.Parameters.Where(p => p.InSet(set)).Select(p => (Help: p, Metadata: p.For(set))).ToList();
        var ordered = members.Where(m => m.Metadata.Position != "Named").OrderBy(m => int.Parse(m.Metadata.Position))
            .Concat(members.Where(m => m.Metadata.Position == "Named" && m.Metadata.Required))
            .Concat(members.Where(m => m.Metadata.Position == "Named" && !m.Metadata.Required));
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            ordered.Select(m => Parameter(m.Help.Name, m.Help.Description, m.Metadata, inSyntax: true)));
    }

    private static XElement Parameter(string name, IReadOnlyList<string> description, ParameterMetadata p, bool inSyntax) =>
        new(Command + "parameter",
            new XAttribute("required", p.Required ? "true" : "false"),
            new XAttribute("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", p.Wildcards ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position == "Named" ? "named" : p.Position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", name),
            Description(description),
            // A switch takes no value: Get-Help shows "[-Force]", not "[-Force <SwitchParameter>]".
            p.IsSwitch && inSyntax ? null : new XElement(Command + "parameterValue",
                new XAttribute("required", p.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), p.Type),
            new XElement(Dev + "type", new XElement(Maml + "name", p.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", p.DefaultValue));

    private static XElement TypeElement(string kind, TypeHelp type) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", type.TypeName)),
            Description(type.Description));

    private static XElement Example(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", $"--------- {example.Title} ---------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));
}
