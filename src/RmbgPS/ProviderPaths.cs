namespace RmbgPS;

internal static class ProviderPaths
{
    /// <summary>The provider-qualified path PowerShell's FileSystem provider gives its items.</summary>
    public static string FileSystem(string fullPath) => "Microsoft.PowerShell.Core\\FileSystem::" + fullPath;
}
