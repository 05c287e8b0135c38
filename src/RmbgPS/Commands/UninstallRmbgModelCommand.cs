using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Files;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Deletes installed models (and interrupted downloads) from the model store: every variant of a name unless -Variant says which.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Uninstall, "RmbgModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
[OutputType(typeof(void))]
public sealed class UninstallRmbgModelCommand : PSCmdlet
{
    private const string NameSet = "Name";
    private const string InputObjectSet = "InputObject";

    /// <summary>Installed model names (wildcards allowed), or Name:Variant.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstalledModelCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Only this variant; an empty string means a bare &lt;store&gt;/&lt;name&gt;.onnx placed by hand.</summary>
    [Parameter(ParameterSetName = NameSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(ModelVariantCompleter))]
    public string? Variant { get; set; }

    /// <summary>Models from Get-RmbgModel; those not installed are skipped.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public RmbgModelInfo[] InputObject { get; set; } = [];

    protected override void ProcessRecord()
    {
        var store = ModelStore.Default;
        var installed = store.List();
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var info in InputObject)
            {
                if (installed.FirstOrDefault(m => m.Path == info.Path) is { } model)
                    Uninstall(store, model);
                else
                    WriteVerbose($"{info} is not installed; nothing to uninstall.");
            }
            return;
        }

        foreach (var given in Name)
        {
            var (name, variant) = ModelReference.Split(given, Variant) ?? new ModelReference(given, Variant);
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            bool Matches(string n, string v) => pattern.IsMatch(n) && (variant is null || ModelNames.Equal(v, variant));

            var matches = installed.Where(m => Matches(m.Name, m.Variant)).ToList();
            var incomplete = store.ListIncomplete().Where(p => Matches(p.Name, p.Variant)
                && !matches.Any(m => ModelNames.Same(m.Name, m.Variant, p.Name, p.Variant))).ToList();
            if (matches.Count == 0 && incomplete.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(new ItemNotFoundException(
                        $"No model '{name}'{(variant is null ? "" : $" variant '{variant}'")} is installed in '{store.Root}'. Get-RmbgModel -Installed lists what is."),
                    ErrorIds.ModelNotInstalled, ErrorCategory.ObjectNotFound, given));
            foreach (var model in matches)
                Uninstall(store, model);
            foreach (var (partialName, partialVariant, partial) in incomplete)
                if (ShouldProcess($"{partialName}:{partialVariant} ('{partial}')", "Delete interrupted download"))
                {
                    store.RemoveIncomplete(partial);
                    WriteVerbose($"Deleted the interrupted download of {partialName}:{partialVariant}.");
                }
        }
    }

    private void Uninstall(ModelStore store, InstalledModel model)
    {
        if (!ShouldProcess($"{model} ({ByteSize.Megabytes(model.Size)} at '{model.Path}')", "Uninstall model"))
            return;
        try
        {
            var clearedDefault = RmbgEngine.Shared.Uninstall(store, model);
            if (clearedDefault is not null)
                WriteWarning($"{model} was the default model ({clearedDefault}); there is no default now. Choose one with Set-RmbgDefaultModel.");
            WriteVerbose($"Uninstalled {model}: deleted '{model.Path}' and its descriptor.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            WriteError(ErrorRecords.Create(new IOException($"Cannot uninstall {model}: {e.Message} Close programs that use '{model.Path}' and try again.", e),
                ErrorIds.UninstallFailed, ErrorCategory.WriteError, model.ToString()));
        }
    }
}
