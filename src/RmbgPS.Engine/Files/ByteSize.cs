namespace RmbgPS.Engine.Files;

/// <summary>
/// The one unit the module shows sizes in: MB means 1,000,000 bytes, as download pages, package registries and
/// our README count them (a 224,000,000-byte model is "224 MB" everywhere, never 214).
/// </summary>
public static class ByteSize
{
    public const double BytesPerMegabyte = 1_000_000;

    public static double ToMegabytes(long bytes) => bytes / BytesPerMegabyte;

    /// <summary>"224 MB" (whole megabytes), or with <paramref name="decimals"/> "87.5 MB".</summary>
    public static string Megabytes(double bytes, int decimals = 0) =>
        (bytes / BytesPerMegabyte).ToString("N" + decimals, System.Globalization.CultureInfo.CurrentCulture) + " MB";
}
