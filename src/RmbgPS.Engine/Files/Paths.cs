namespace RmbgPS.Engine.Files;

/// <summary>
/// The one rule for comparing file system paths: case matters on Linux and is ignored on Windows and macOS (their
/// default file systems), so "Cat.png" and "cat.png" are one file exactly where the system says so.
/// </summary>
public static class Paths
{
    public static StringComparer Comparer { get; } = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public static StringComparison Comparison { get; } = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>True when two paths name the same file once made full.</summary>
    public static bool Same(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), Comparison);
}
