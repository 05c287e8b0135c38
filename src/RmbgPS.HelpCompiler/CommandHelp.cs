namespace RmbgPS.HelpCompiler;

/// <summary>One cmdlet's help as its markdown page states it.</summary>
internal sealed record CommandHelp(string Name)
{
    public string Synopsis { get; set; } = "";
    public List<string> Description { get; } = [];
    /// <summary>Parameter set names in the page's SYNTAX order; the default set is marked.</summary>
    public List<(string Name, bool IsDefault)> ParameterSets { get; } = [];
    public List<ExampleHelp> Examples { get; } = [];
    public List<ParameterHelp> Parameters { get; } = [];
    public List<TypeHelp> Inputs { get; } = [];
    public List<TypeHelp> Outputs { get; } = [];
    public List<string> Notes { get; } = [];
    public List<(string Text, string Uri)> RelatedLinks { get; } = [];

    public string Verb => Name[..Name.IndexOf('-')];
    public string Noun => Name[(Name.IndexOf('-') + 1)..];
}

internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

/// <summary>
/// A parameter's description and the metadata blocks PlatyPS writes under it: one block, or one per parameter set
/// when the parameter binds differently in different sets (positional or from the pipeline in one only).
/// </summary>
internal sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterMetadata> Blocks)
{
    public ParameterMetadata First => Blocks[0];
    public bool InSet(string set) => Blocks.Any(b => b.InSet(set));
    public ParameterMetadata For(string set) => Blocks.First(b => b.InSet(set));
}

/// <summary>One ```yaml block of a parameter.</summary>
internal sealed record ParameterMetadata
{
    public string Type { get; init; } = "";
    /// <summary>Empty means every set ("(All)").</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public bool Required { get; init; }
    /// <summary>"Named" or a number.</summary>
    public string Position { get; init; } = "Named";
    public string DefaultValue { get; init; } = "None";
    public string PipelineInput { get; init; } = "False";
    public bool Wildcards { get; init; }

    public bool IsSwitch => Type == "SwitchParameter";
    public bool InSet(string set) => Sets.Count == 0 || Sets.Contains(set, StringComparer.OrdinalIgnoreCase);
}
