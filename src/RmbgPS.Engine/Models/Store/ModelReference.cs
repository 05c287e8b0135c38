namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// A model named in the store, as users write it: <c>RMBG-2.0</c> (the preferred installed variant) or
/// <c>RMBG-2.0:fp16</c> (that variant). Anything that looks like a path is not a reference.
/// </summary>
public readonly record struct ModelReference(string Name, string? Variant)
{
    public static bool TryParse(string? value, out ModelReference reference) => TryParse(value, null, out reference);

    /// <summary>A reference, with <paramref name="variant"/> (given apart, as -Variant) when the text names none.</summary>
    public static bool TryParse(string? value, string? variant, out ModelReference reference)
    {
        reference = default;
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['/', '\\']) >= 0 || Path.IsPathRooted(value))
            return false;
        if (value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            value = value[..^5];
        if (Split(value, variant) is not { } split || split.Variant?.IndexOfAny(['/', '\\']) >= 0)
            return false;
        reference = split;
        return reference.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && reference.Name is not ("." or "..");
    }

    /// <summary>
    /// <c>Name:Variant</c> split at its first colon (a variant in the text wins over <paramref name="variant"/>); null
    /// when the colon leaves a side empty. The name is not checked, so it may be a wildcard pattern.
    /// </summary>
    public static ModelReference? Split(string value, string? variant = null)
    {
        var colon = value.IndexOf(':');
        if (colon == 0 || colon == value.Length - 1)
            return null;
        return colon < 0 ? new ModelReference(value, string.IsNullOrEmpty(variant) ? null : variant) : new ModelReference(value[..colon], value[(colon + 1)..]);
    }

    public override string ToString() => Variant is null ? Name : $"{Name}:{Variant}";

    /// <summary>Model names become folder names: letters, digits, '-', '_' and '.', starting with a letter or digit.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(name[0]) && !name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Variant names become file names: letters, digits, '-' and '_'.</summary>
    public static bool IsValidVariant(string variant) =>
        variant.Length is > 0 and <= 40 && variant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
