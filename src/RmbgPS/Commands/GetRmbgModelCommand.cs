using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Lists the models of the catalog and the model store: variants, sizes, licences, profiles, whether installed and which is the default.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "RmbgModel")]
[OutputType(typeof(RmbgModelInfo))]
public sealed class GetRmbgModelCommand : PSCmdlet
{
    /// <summary>Model names to show; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CatalogModelCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only models that are in the store.</summary>
    [Parameter]
    public SwitchParameter Installed { get; set; }

    protected override void ProcessRecord()
    {
        var store = ModelStore.Default;
        List<RmbgModelInfo> models;
        try
        {
            models = ModelListing.All(store, ModelCatalog.ForStore(store.Root)).Where(m => !Installed || m.Installed).ToList();
        }
        catch (InvalidDataException e)
        {
            ThrowTerminatingError(ErrorRecords.Create(e, ErrorIds.InvalidCatalog, ErrorCategory.InvalidData, store.Root));
            return;
        }

        if (Name is null)
        {
            WriteObject(models, enumerateCollection: true);
            return;
        }
        foreach (var name in Name)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matches = models.Where(m => pattern.IsMatch(m.Name) || pattern.IsMatch(m.Reference)).ToList();
            WriteObject(matches, enumerateCollection: true);
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(new ItemNotFoundException(
                        $"No model '{name}' is {(Installed ? "installed" : "in the catalog or the store")}. Get-RmbgModel lists them; Install-RmbgModel installs one."),
                    ErrorIds.ModelNotFound, ErrorCategory.ObjectNotFound, name));
        }
    }
}
