using System.Management.Automation;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Installs ONNX Runtime's CUDA build into the model store, so the module can run models on an NVIDIA GPU.</para>
/// <para type="description">Downloads Microsoft's Microsoft.ML.OnnxRuntime.Gpu.Linux (or .Windows) package of the ONNX Runtime version
/// the module is built on from NuGet, checks its size and SHA-256 against the pinned values, and keeps only its native libraries.
/// The next PowerShell session that imports the module loads it instead of the module's own CPU build (the CPU still works with it).
/// The GPU also needs NVIDIA's driver, CUDA 13.x and cuDNN 9.x. -Source selects a NuGet mirror.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "RmbgGpuRuntime", SupportsShouldProcess = true)]
[OutputType(typeof(GpuRuntimeInfo))]
public sealed class InstallRmbgGpuRuntimeCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>A NuGet v3 flat container ending in '/' (default https://api.nuget.org/v3-flatcontainer/), or the .nupkg's own URL.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>Seconds without receiving data before a try is abandoned (and retried).</summary>
    [Parameter]
    [ValidateRange(1, DownloadOptions.MaxTimeoutSeconds)]
    public int TimeoutSec { get; set; } = DownloadOptions.DefaultTimeoutSeconds;

    [Parameter]
    [ValidateRange(0, DownloadOptions.MaxRetriesLimit)]
    public int MaximumRetryCount { get; set; } = DownloadOptions.DefaultMaxRetries;

    /// <summary>The first wait before a retry; it doubles with each further retry.</summary>
    [Parameter]
    [ValidateRange(0, DownloadOptions.MaxRetryDelaySeconds)]
    public double RetryIntervalSec { get; set; } = DownloadOptions.DefaultRetryDelaySeconds;

    /// <summary>Download and install again even when it is installed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var store = ModelStore.Default;
        if (GpuRuntime.ForThisMachine is not { } package)
        {
            ThrowTerminatingError(ErrorRecords.Create(new PlatformNotSupportedException(
                    $"ONNX Runtime publishes its CUDA build for linux-x64 and win-x64 only, not for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}. The module runs on the CPU here."),
                ErrorIds.GpuRuntimeNotAvailable, ErrorCategory.NotImplemented, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier));
            return;
        }
        var folder = GpuRuntime.FolderFor(store, package);
        try
        {
            var url = GpuRuntime.PackageUrl(package, Source);
            if (!Force && GpuRuntime.Installed(store) is { } existing)
            {
                WriteVerbose($"ONNX Runtime {package.Version}'s CUDA build is already installed in '{existing}'; use -Force to install it again.");
                Emit(package, existing, store);
                return;
            }
            if (!ShouldProcess(folder, $"Download {SourcePolicy.Describe(url)} ({ByteSize.Megabytes(package.Size)}) and install its native libraries"))
                return;
            var options = DownloadOptions.FromSeconds(TimeoutSec, MaximumRetryCount, RetryIntervalSec);
            WriteVerbose($"Downloading {package.Id} {package.Version} from {SourcePolicy.Describe(url)} into '{folder}'.");
            var installed = ProgressRelay.Run(this, $"Installing ONNX Runtime {package.Version} (CUDA)",
                observer => GpuRuntime.InstallAsync(store, package, Source, options, observer, cancellation.Token));
            var active = GpuRuntime.Activate(store); // takes effect now when this session has not loaded ONNX Runtime yet
            WriteVerbose(active
                ? $"Installed in '{installed}'; this session will use it."
                : $"Installed in '{installed}'. This session already runs on the module's own ONNX Runtime: start a new PowerShell session to use the GPU.");
            Emit(package, installed, store);
        }
        catch (DownloadException e)
        {
            WriteError(ErrorRecords.ForDownload(e));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (InvalidDataException e)
        {
            // The pinned package held no ONNX Runtime library: another file under the package's name (a mirror's).
            WriteError(ErrorRecords.Create(new InvalidDataException($"{e.Message} Nothing was installed. Check what -Source serves under that package's name, or leave -Source out to use nuget.org.", e),
                ErrorIds.GpuRuntimeInstallFailed, ErrorCategory.InvalidData, folder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.Create(new IOException($"Installing ONNX Runtime's CUDA build into '{folder}' failed: {e.Message} Check that the model store is writable (or set $env:RMBG_MODEL_HOME) and has about 400 MB free.", e),
                ErrorIds.GpuRuntimeInstallFailed, ErrorCategory.WriteError, folder));
        }
    }

    private void Emit(GpuRuntimePackage package, string folder, ModelStore store)
    {
        if (PassThru)
            WriteObject(new GpuRuntimeInfo(package, folder, GpuRuntime.IsActive(store) || GpuRuntime.Activate(store)));
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose()
    {
        cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
