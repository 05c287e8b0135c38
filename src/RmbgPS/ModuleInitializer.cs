using System.Management.Automation;
using RmbgPS.Engine;

namespace RmbgPS;

/// <summary>Runs on Import-Module, before any cmdlet: native libraries must come from the module folder.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => NativeLibraries.EnsureRegistered();
}
