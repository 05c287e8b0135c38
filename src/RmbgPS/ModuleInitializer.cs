using System.Management.Automation;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Native;

namespace RmbgPS;

/// <summary>
/// Runs on Import-Module, before any cmdlet: native libraries must come from the module folder, or ONNX Runtime from
/// its CUDA build when Install-RmbgGpuRuntime put one in the model store. The engine itself already resolves through
/// RmbgPS.Loader's load context, which the manifest imports first.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        NativeLibraries.EnsureRegistered();
        try
        {
            GpuRuntime.Activate(ModelStore.Default);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // An unreadable store: the module's own ONNX Runtime serves, and Get-RmbgDevice says which one runs.
        }
    }
}
