using System.Management.Automation;
using RmbgPS.Completers;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Deletes installed models from the model store (every variant of a name unless -Variant says which).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Uninstall, "RmbgModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UninstallRmbgModelCommand : PSCmdlet
{
    /// <summary>Installed model names (wildcards allowed), or Name:Variant.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstalledModelCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelVariantCompleter))]
    public string? Variant { get; set; }

    protected override void ProcessRecord()
    {
        var store = ModelStore.Default;
        var installed = store.List();
        foreach (var given in Name)
        {
            var (name, variant) = Split(given);
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matches = installed.Where(m => pattern.IsMatch(m.Name) && (variant is null || m.Variant.Equals(variant, StringComparison.OrdinalIgnoreCase))).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(new ItemNotFoundException(
                        $"No model '{given}'{(variant is null || given.Contains(':') ? "" : $" variant '{variant}'")} is installed in '{store.Root}'. Get-RmbgModel -Installed lists what is."),
                    "ModelNotInstalled", ErrorCategory.ObjectNotFound, given));
            foreach (var model in matches)
                Uninstall(store, model);
        }
    }

    private (string Name, string? Variant) Split(string given)
    {
        var colon = given.IndexOf(':');
        return colon > 0 ? (given[..colon], given[(colon + 1)..]) : (given, string.IsNullOrEmpty(Variant) ? null : Variant);
    }

    private void Uninstall(ModelStore store, InstalledModel model)
    {
        if (!ShouldProcess($"{model} ({model.Size / 1048576.0:N0} MB at '{model.Path}')", "Uninstall model"))
            return;
        RmbgEngine.Shared.Unload(model.Path);
        try
        {
            var wasDefault = store.DefaultModel is { } current && ModelReference.TryParse(current, out var reference) && store.Find(reference)?.Path == model.Path;
            store.Remove(model);
            if (wasDefault)
            {
                store.DefaultModel = null;
                WriteWarning($"{model} was the default model; there is no default now. Choose one with Set-RmbgDefaultModel.");
            }
            WriteVerbose($"Uninstalled {model}: deleted '{model.Path}' and its descriptor.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            WriteError(ErrorRecords.Create(new IOException($"Cannot uninstall {model}: {e.Message} Close programs that use '{model.Path}' and try again.", e),
                "UninstallFailed", ErrorCategory.WriteError, model.ToString()));
        }
    }
}
