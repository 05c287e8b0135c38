using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Commands;

/// <summary>Where a default model choice lives.</summary>
public enum DefaultModelScope
{
    /// <summary>Kept in the model store: every later session of this user uses it.</summary>
    CurrentUser,
    /// <summary>This process only (the same as Set-RmbgDevice -Model).</summary>
    Process,
}

/// <summary>
/// <para type="synopsis">Chooses the installed model the image cmdlets use when no -Model is given, for this user (kept in the store) or this process.</para>
/// <para type="description">Order of precedence: -Model, then the process choice, then $env:RMBG_MODEL, then the user's default, then the most recently installed model.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "RmbgDefaultModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NameSet)]
[OutputType(typeof(RmbgModelInfo))]
public sealed class SetRmbgDefaultModelCommand : PSCmdlet
{
    private const string NameSet = "Name";
    private const string ClearSet = "Clear";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InstalledModelCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Pins one variant; without it the default follows the preferred installed variant of the name.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelVariantCompleter))]
    public string? Variant { get; set; }

    /// <summary>Removes the default of the scope.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClearSet)]
    public SwitchParameter Clear { get; set; }

    [Parameter]
    public DefaultModelScope Scope { get; set; } = DefaultModelScope.CurrentUser;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = ModelStore.Default;
        string? reference = null;
        InstalledModel? model = null;
        if (!Clear)
        {
            if (!ModelReference.TryParse(Name, Variant, out var parsed))
            {
                WriteError(ErrorRecords.Create(new ArgumentException($"'{Name}' is not a model name. Give an installed model's name (Get-RmbgModel -Installed); for a file, use Set-RmbgDevice -Model <path>."),
                    ErrorIds.InvalidModelName, ErrorCategory.InvalidArgument, Name));
                return;
            }
            model = store.FindPreferred(parsed);
            if (model is null)
            {
                WriteError(ErrorRecords.Create(new ItemNotFoundException($"{parsed} is not installed in '{store.Root}'. Install it first: Install-RmbgModel {parsed.Name}{(parsed.Variant is null ? "" : $" -Variant {parsed.Variant}")}."),
                    ErrorIds.ModelNotInstalled, ErrorCategory.ObjectNotFound, parsed.ToString()));
                return;
            }
            reference = parsed.ToString();
        }

        var scope = Scope == DefaultModelScope.CurrentUser ? $"the user's default (kept in '{store.Root}')" : "this process's default";
        if (!ShouldProcess(scope, reference is null ? "Clear the default model" : $"Use {reference} by default"))
            return;
        if (Scope == DefaultModelScope.CurrentUser)
        {
            store.DefaultModel = reference;
        }
        else
        {
            var engine = RmbgEngine.Shared;
            engine.Configure(engine.Settings with { Model = reference });
        }
        WriteVerbose(reference is null ? $"Cleared {scope}." : $"{reference} ('{model!.Path}') is now {scope}.");
        if (PassThru && model is not null)
            WriteObject(ModelListing.For(model, store, ModelCatalog.ForStore(store.Root)));
    }
}
