namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// A model named in the store, as users write it: <c>RMBG-2.0</c> (the preferred installed variant) or
/// <c>RMBG-2.0:fp16</c> (that variant). Anything that looks like a path is not a reference.
/// </summary>
public readonly record struct ModelReference(string Name, string? Variant)
{
    public static bool TryParse(string? value, out ModelReference reference)
    {
        reference = default;
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['/', '\\']) >= 0 || Path.IsPathRooted(value))
            return false;
        if (value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            value = value[..^5];
        var colon = value.IndexOf(':');
        if (colon == 0 || colon == value.Length - 1)
            return false;
        reference = colon < 0 ? new ModelReference(value, null) : new ModelReference(value[..colon], value[(colon + 1)..]);
        return reference.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && reference.Name is not ("." or "..");
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
