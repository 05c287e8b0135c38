using System.Diagnostics;
using RmbgPS.Engine.Files;

namespace RmbgPS.Engine.Reporting;

/// <summary>What a written sheet holds.</summary>
public sealed record ReviewSheetResult(string PagePath, string FilesFolder, int Images, int NeedingReview, int Failed, TimeSpan ThumbnailTime);

/// <summary>
/// A review sheet: one HTML page with every image of a batch as small thumbnails, the doubtful first, and the files that
/// failed. Its thumbnails lie beside it in <c>&lt;name&gt;_files</c> with relative links, so the page and its folder can
/// be zipped and mailed; nothing is fetched from anywhere. Thumbnails are made on several threads; the page is written
/// last, whole or not at all.
/// </summary>
public static class ReviewSheet
{
    public static string FilesFolderFor(string pagePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pagePath))!, Path.GetFileNameWithoutExtension(pagePath) + "_files");

    /// <param name="progress">Called with the number of entries done, from the threads making thumbnails.</param>
    public static ReviewSheetResult Write(string pagePath, IReadOnlyList<ReviewEntry> entries, IReadOnlyList<ReviewFailure> failures,
        ReviewSheetOptions options, Action<int>? progress, CancellationToken cancellationToken)
    {
        var page = Path.GetFullPath(pagePath);
        if (!options.Overwrite && File.Exists(page))
            throw new FileException(FileErrorKind.OutputExists, page, $"'{page}' exists. Use -Force to replace it, or give another -Path.");
        var folder = FilesFolderFor(page);
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var stale in Directory.EnumerateFiles(folder).Where(f => ReviewThumbnails.IsOwn(Path.GetFileName(f))).ToList())
                File.Delete(stale); // an earlier sheet's, replaced below; anything else in the folder is left alone
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileException(FileErrorKind.WriteFailed, folder, $"The thumbnail folder '{folder}' cannot be written: {e.Message}", e);
        }

        var clock = Stopwatch.StartNew();
        var thumbnails = new ThumbnailSet[entries.Count];
        var done = 0;
        try
        {
            Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
            {
                thumbnails[i] = ReviewThumbnails.Make(entries[i], i + 1, folder, options.ThumbnailSize);
                progress?.Invoke(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // A thumbnail that could not be written (a full disk): the first cause, as it was thrown.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        var thumbnailTime = clock.Elapsed;

        var html = ReviewPage.Render(options.Title, entries, thumbnails, failures, Path.GetDirectoryName(page)!, Path.GetFileName(folder), DateTimeOffset.Now);
        AtomicFile.Write(page, overwrite: options.Overwrite, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(html);
        });
        return new ReviewSheetResult(page, folder, entries.Count, entries.Count(e => e.NeedsReview), failures.Count, thumbnailTime);
    }
}
