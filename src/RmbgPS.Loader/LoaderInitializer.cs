using System.Management.Automation;

namespace RmbgPS.Loader;

/// <summary>
/// The manifest imports this assembly as a nested module, before the cmdlet assembly: PowerShell reflects over
/// the cmdlet assembly's types (and so needs the engine) before that assembly's own initializer could run.
/// </summary>
public sealed class LoaderInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => EngineLoadContext.Install();
}
