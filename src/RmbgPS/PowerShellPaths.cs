using System.Management.Automation;
using RmbgPS.Engine.Models;

namespace RmbgPS;

internal static class PowerShellPaths
{
    /// <summary>The provider-qualified path PowerShell's FileSystem provider gives its items.</summary>
    public static string FileSystemPSPath(string fullPath) => "Microsoft.PowerShell.Core\\FileSystem::" + fullPath;

    /// <summary>A -Model value as the engine's lookup should see it, with paths taken from PowerShell's location.</summary>
    public static string? ResolveModelArgument(this PSCmdlet cmdlet, string? model) =>
        string.IsNullOrWhiteSpace(model) ? model : ModelLocator.Normalize(model, value =>
        {
            try
            {
                return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(value);
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ItemNotFoundException)
            {
                return null; // "RMBG-2.0:fp16" reads as a drive; it is a model name
            }
        });
}
