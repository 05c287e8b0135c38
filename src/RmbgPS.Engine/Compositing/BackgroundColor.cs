using System.Globalization;
using System.Reflection;
using SkiaSharp;

namespace RmbgPS.Engine.Compositing;

/// <summary>A straight-alpha colour to composite onto, parsed from a CSS-style name or #rgb, #rrggbb, #rrggbbaa.</summary>
public readonly record struct BackgroundColor(byte R, byte G, byte B, byte A)
{
    private static readonly Lazy<Dictionary<string, SKColor>> Named = new(() =>
        typeof(SKColors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(SKColor))
            .ToDictionary(f => f.Name, f => (SKColor)f.GetValue(null)!, StringComparer.OrdinalIgnoreCase));

    public bool IsOpaque => A == 255;

    /// <summary>Every colour name Parse accepts (Skia's, the CSS/X11 names plus Empty and Transparent), for completion.</summary>
    public static IEnumerable<string> Names => Named.Value.Keys.Order(StringComparer.OrdinalIgnoreCase);

    public static BackgroundColor Parse(string text)
    {
        if (TryParse(text, out var colour))
            return colour;
        throw new FormatException($"'{text}' is not a colour: use a name such as white or transparent, or #rgb, #rrggbb or #rrggbbaa (e.g. #00b140).");
    }

    public static bool TryParse(string? text, out BackgroundColor colour)
    {
        colour = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (Named.Value.TryGetValue(text, out var named))
        {
            colour = new BackgroundColor(named.Red, named.Green, named.Blue, named.Alpha);
            return true;
        }
        var hex = text.StartsWith('#') ? text[1..] : text;
        if (hex.Length == 3)
            hex = string.Concat(hex.Select(c => $"{c}{c}"));
        if (hex.Length is not (6 or 8) || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        if (hex.Length == 6)
            value = value << 8 | 0xFF;
        colour = new BackgroundColor((byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value);
        return true;
    }

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}{(A == 255 ? "" : A.ToString("x2"))}";
}
