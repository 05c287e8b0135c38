using System.Management.Automation;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Deletes ONNX Runtime's CUDA build from the model store; the module then runs on its own CPU build.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Uninstall, "RmbgGpuRuntime", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UninstallRmbgGpuRuntimeCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var store = ModelStore.Default;
        if (GpuRuntime.Installed(store) is not { } folder)
        {
            WriteVerbose($"ONNX Runtime's CUDA build is not installed in '{store.Root}'; nothing to uninstall.");
            return;
        }
        if (!ShouldProcess(folder, "Delete ONNX Runtime's CUDA build"))
            return;
        if (GpuRuntime.IsActive(store) && OperatingSystem.IsWindows())
        {
            ThrowTerminatingError(ErrorRecords.Create(new InvalidOperationException(
                    $"This session runs on ONNX Runtime's CUDA build in '{folder}', and Windows does not delete a library in use. Start a new PowerShell session and run Uninstall-RmbgGpuRuntime there first."),
                ErrorIds.GpuRuntimeInUse, ErrorCategory.ResourceBusy, folder));
            return;
        }
        try
        {
            GpuRuntime.Remove(store);
            WriteVerbose(GpuRuntime.IsActive(store)
                ? $"Deleted '{folder}'. This session keeps running on it until it ends; the next one uses the module's CPU build."
                : $"Deleted '{folder}'; the module runs on its own CPU build.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.Create(new IOException($"Deleting '{folder}' failed: {e.Message} Close the PowerShell sessions that use RmbgPS (they may hold its libraries open) and run Uninstall-RmbgGpuRuntime again, or delete the folder by hand.", e),
                ErrorIds.GpuRuntimeUninstallFailed, ErrorCategory.WriteError, folder));
        }
    }
}
