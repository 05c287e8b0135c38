using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Removal;

/// <summary>
/// The names the module gives what it writes, and the rules that recognise them: a rerun over a folder must not
/// take its own outputs for new photos (x.nobg.png would become x.nobg.nobg.png). A cut-out is no input for
/// another cut-out, nor a mask for anything; but the mask of a cut-out is a fair check of it.
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

    /// <summary>
    /// Whether an output path names one file (it ends in an image extension and is not an existing folder: the
    /// extension then picks the format) rather than a folder for many (created when missing).
    /// </summary>
    public static bool IsFileTarget(string outputPath) => OutputFormats.FromExtension(outputPath) is not null && !Directory.Exists(outputPath);

    /// <summary>True for a file named as a cut-out (*.nobg.*), whatever its format.</summary>
    public static bool IsCutout(string path) => Path.GetFileNameWithoutExtension(path).EndsWith(CutoutSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a file named as a mask (*.mask.*).</summary>
    public static bool IsMask(string path) => Path.GetFileNameWithoutExtension(path).EndsWith(MaskSuffix, StringComparison.OrdinalIgnoreCase);
}
