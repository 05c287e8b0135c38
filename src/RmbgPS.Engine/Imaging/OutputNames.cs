namespace RmbgPS.Engine.Imaging;

/// <summary>
/// The names the module gives what it writes, and the rule that recognises them: a rerun over a folder must not
/// take its own cut-outs and masks for new photos (x.nobg.png would become x.nobg.nobg.png).
/// </summary>
public static class OutputNames
{
    public const string CutoutSuffix = ".nobg";
    public const string MaskSuffix = ".mask";

    /// <summary>&lt;name&gt;.nobg.&lt;ext&gt; in <paramref name="folder"/>, or beside the input when it is null.</summary>
    public static string Cutout(string input, string? folder, OutputFormat format) =>
        Path.Combine(folder ?? Path.GetDirectoryName(input)!, Path.GetFileNameWithoutExtension(input) + CutoutSuffix + OutputFormats.Extension(format));

    /// <summary>&lt;name&gt;.mask.png in <paramref name="folder"/>.</summary>
    public static string Mask(string input, string folder) =>
        Path.Combine(folder, Path.GetFileNameWithoutExtension(input) + MaskSuffix + ".png");

    /// <summary>True for a file named as this module names its outputs (*.nobg.*, *.mask.*), whatever its format.</summary>
    public static bool IsOwnOutput(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        return stem.EndsWith(CutoutSuffix, StringComparison.OrdinalIgnoreCase) || stem.EndsWith(MaskSuffix, StringComparison.OrdinalIgnoreCase);
    }
}
