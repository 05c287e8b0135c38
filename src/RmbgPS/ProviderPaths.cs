using System.Management.Automation;

namespace RmbgPS;

internal static class ProviderPaths
{
    /// <summary>The provider-qualified path PowerShell's FileSystem provider gives its items.</summary>
    public static string FileSystem(string fullPath) => "Microsoft.PowerShell.Core\\FileSystem::" + fullPath;

    /// <summary>
    /// A -Model value as the engine should see it: a path (anything with a separator, or an existing file) is taken
    /// relative to PowerShell's current location, not the process's; a model name (RMBG-2.0:fp16) is left as it is.
    /// </summary>
    public static string? ResolveModelArgument(this PSCmdlet cmdlet, string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
            return model;
        string path;
        try
        {
            path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(model);
        }
        catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ItemNotFoundException)
        {
            return model; // "RMBG-2.0:fp16" reads as a drive; it is a model name
        }
        return model.IndexOfAny(['/', '\\']) >= 0 || File.Exists(path) || Directory.Exists(path) ? path : model;
    }
}
