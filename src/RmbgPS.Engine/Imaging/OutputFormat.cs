namespace RmbgPS.Engine.Imaging;

/// <summary>The file formats cut-outs are written in.</summary>
public enum OutputFormat
{
    Png,
    /// <summary>Keeps alpha; lossy at -Quality below 100, lossless at 100.</summary>
    WebP,
    /// <summary>No alpha: only with an opaque background.</summary>
    Jpeg,
}

public static class OutputFormats
{
    public static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.WebP => ".webp",
        OutputFormat.Jpeg => ".jpg",
        _ => ".png",
    };

    /// <summary>The largest width or height the format can store.</summary>
    public static int MaxDimension(OutputFormat format) => format switch
    {
        OutputFormat.WebP => 16383,
        OutputFormat.Jpeg => 65500,
        _ => int.MaxValue,
    };

    /// <summary>The format a file name asks for by its extension, or null when it names none of ours.</summary>
    public static OutputFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => OutputFormat.Png,
        ".webp" => OutputFormat.WebP,
        ".jpg" or ".jpeg" => OutputFormat.Jpeg,
        _ => null,
    };
}
