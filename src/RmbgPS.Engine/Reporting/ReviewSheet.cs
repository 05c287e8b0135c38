using System.Diagnostics;
using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Files;

namespace RmbgPS.Engine.Reporting;

/// <summary>What a written sheet holds.</summary>
public sealed record ReviewSheetResult(string PagePath, string FilesFolder, int Images, int NeedingReview, int Failed, TimeSpan ThumbnailTime);

/// <summary>
/// A review sheet: one HTML page with every image of a batch as small thumbnails, the doubtful first, and the files that
/// failed. Its thumbnails lie beside it in <c>&lt;name&gt;_files</c> with relative links, so the page and its folder can
/// be zipped and mailed; nothing is fetched from anywhere. Thumbnails are made on the engine's batch workers; the page is written
/// last, whole or not at all.
/// </summary>
public static class ReviewSheet
{
    /// <summary>The long side of every thumbnail, in pixels.</summary>
    public const int ThumbnailSize = 256;

    /// <summary>
    /// After the new page is written: the thumbnails of an earlier sheet that this one did not write over (it had more
    /// images). Until then the earlier page keeps all of its own. Anything else in the folder is left alone.
    /// </summary>
    private static void SweepEarlier(string folder, ThumbnailSet[] written)
    {
        var kept = written.SelectMany(t => t.Files).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder).ToList())
        {
            var name = Path.GetFileName(file);
            if (ReviewThumbnails.IsOwn(name) && !kept.Contains(name))
                AtomicFile.TryDelete(file);
        }
    }

    public static string FilesFolderFor(string pagePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pagePath))!, Path.GetFileNameWithoutExtension(pagePath) + "_files");

    /// <param name="imageDone">Called once per entry whose thumbnails are made, from the threads making them.</param>
    public static ReviewSheetResult Write(string pagePath, IReadOnlyList<ReviewEntry> entries, IReadOnlyList<ReviewFailure> failures,
        ReviewSheetOptions options, Action? imageDone, CancellationToken cancellationToken)
    {
        var page = Path.GetFullPath(pagePath);
        if (!options.Overwrite && File.Exists(page))
            throw new FileException(FileErrorKind.OutputExists, page, $"'{page}' exists. Use -Force to replace it, or give another -Path.");
        var folder = FilesFolderFor(page);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileException(FileErrorKind.WriteFailed, folder, $"The thumbnail folder '{folder}' cannot be written: {e.Message}", e);
        }

        var clock = Stopwatch.StartNew();
        var thumbnails = new ThumbnailSet[entries.Count];
        var next = -1;
        Exception? failure = null;
        // The engine's batch workers: a core each, at the workers' priority, so a sheet made beside a running batch
        // leaves the model its cores, as the batch's own image work does.
        var workers = Enumerable.Range(0, Math.Min(Environment.ProcessorCount, Math.Max(1, entries.Count))).Select(_ => new Thread(() =>
        {
            BatchThread.Enter(BatchThread.DefaultPriority);
            try
            {
                for (int i; Volatile.Read(ref failure) is null && !cancellationToken.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < entries.Count;)
                {
                    thumbnails[i] = ReviewThumbnails.Make(entries[i], i + 1, folder, ThumbnailSize);
                    imageDone?.Invoke();
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null); // the first cause ends the others' loops
            }
        }) { IsBackground = true, Name = "RmbgPS review sheet" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure); // a thumbnail that could not be written (a full disk)
        cancellationToken.ThrowIfCancellationRequested();
        var thumbnailTime = clock.Elapsed;

        var html = ReviewPage.Render(options.Title, entries, thumbnails, failures, Path.GetDirectoryName(page)!, Path.GetFileName(folder), DateTimeOffset.Now);
        AtomicFile.Write(page, overwrite: options.Overwrite, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(html);
        });
        SweepEarlier(folder, thumbnails);
        return new ReviewSheetResult(page, folder, entries.Count, entries.Count(e => e.NeedsReview), failures.Count, thumbnailTime);
    }
}
