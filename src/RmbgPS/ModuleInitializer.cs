using System.Management.Automation;
using RmbgPS.Engine.Native;

namespace RmbgPS;

/// <summary>
/// Runs on Import-Module, before any cmdlet: native libraries must come from the module folder. The engine
/// itself already resolves through RmbgPS.Loader's load context, which the manifest imports first.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => NativeLibraries.EnsureRegistered();
}
