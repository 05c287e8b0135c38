using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;

namespace RmbgPS.Engine.Reporting;

/// <summary>One entry's thumbnails, by file name in the sheet's folder; null where there is nothing to show.</summary>
public sealed record ThumbnailSet(string? Original, string? Cutout, bool CutoutHasAlpha, string? Mask, int Width, int Height, IReadOnlyList<string> Problems)
{
    public IEnumerable<string> Files => new[] { Original, Cutout, Mask }.OfType<string>();
}

/// <summary>
/// Makes an entry's three thumbnails (original, cut-out, mask) as WebP files in the sheet's folder: about a tenth of a
/// PNG's bytes at this size, and every current browser shows them. A file that cannot be read is a problem noted on the
/// card, never the end of the sheet.
/// </summary>
internal static class ReviewThumbnails
{
    private const int Quality = 82;

    /// <summary>Our own files in the folder, so a new sheet replaces exactly them: five or more digits and a kind letter.</summary>
    public static bool IsOwn(string fileName) =>
        fileName.Length > 10 && fileName.EndsWith(".webp", StringComparison.Ordinal) && fileName[..^6].All(char.IsAsciiDigit) && "ocm".Contains(fileName[^6]);

    public static ThumbnailSet Make(ReviewEntry entry, int index, string folder, int longSide)
    {
        var problems = new List<string>();
        string? Save(RgbaImage? image, char kind)
        {
            if (image is null)
                return null;
            var name = $"{index:D5}{kind}.webp";
            AtomicFile.Write(Path.Combine(folder, name), overwrite: true, stream => ImageEncoder.Write(stream, image, OutputFormat.WebP, Quality));
            return name;
        }
        RgbaImage? Read(string? path, string what)
        {
            if (path is null)
                return null;
            try
            {
                return Thumbnail.Of(path, longSide);
            }
            catch (FileException e)
            {
                problems.Add($"The {what} could not be shown: {e.Message}");
                return null;
            }
        }

        var original = Read(entry.InputPath, "original");
        var cutout = Read(entry.OutputPath, "cut-out");
        var mask = Read(entry.MaskPath, "mask");
        if (mask is null && entry.Mask is { } alpha && entry.MaskWidth > 0 && alpha.Length >= (long)entry.MaskWidth * entry.MaskHeight)
            mask = Thumbnail.OfMask(alpha, entry.MaskWidth, entry.MaskHeight, longSide);
        if (mask is null && cutout is { HasTransparency: true })
            mask = Thumbnail.AlphaAsGrey(cutout); // a cut-out's alpha is its mask
        var shown = original ?? cutout ?? mask;
        var (width, height) = shown is null
            ? Thumbnail.SizeFor(Math.Max(1, entry.Width), Math.Max(1, entry.Height), longSide)
            : (shown.Width, shown.Height);
        return new ThumbnailSet(Save(original, 'o'), Save(cutout, 'c'), cutout?.HasTransparency ?? false, Save(mask, 'm'), width, height, problems);
    }
}
