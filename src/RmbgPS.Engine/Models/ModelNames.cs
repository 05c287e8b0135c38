namespace RmbgPS.Engine.Models;

/// <summary>
/// How model and variant names compare, in the catalog, the store and everything that matches them: without case,
/// since they become folder and file names, which must not differ only in case on any system.
/// </summary>
public static class ModelNames
{
    public static StringComparer Comparer { get; } = StringComparer.OrdinalIgnoreCase;

    public static bool Equal(string? a, string? b) => Comparer.Equals(a, b);

    /// <summary>True when both name the same installed file: equal names and equal variants.</summary>
    public static bool Same(string name, string variant, string otherName, string otherVariant) => Equal(name, otherName) && Equal(variant, otherVariant);
}
