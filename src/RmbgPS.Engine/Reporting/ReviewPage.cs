using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace RmbgPS.Engine.Reporting;

/// <summary>
/// The review sheet's HTML: one self-contained page (its style and its few lines of script inside it), cards in a grid
/// that reflows to one column on a phone, the doubtful cards first, thumbnails loaded only as they scroll into view.
/// </summary>
internal static class ReviewPage
{
    private const string Style = """
        :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        body { margin: 0; background: #f4f5f7; color: #1d2330; }
        header { padding: 16px 20px; background: #1d2330; color: #fff; }
        h1 { margin: 0 0 6px; font-size: 1.35rem; }
        header p { margin: 2px 0; color: #cfd6e4; font-size: .92rem; }
        main { padding: 16px; }
        h2 { font-size: 1.1rem; margin: 8px 4px 12px; }
        .failed table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; margin-bottom: 20px; }
        .failed th, .failed td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e6ec; vertical-align: top; overflow-wrap: anywhere; }
        .failed code { color: #a3261b; white-space: nowrap; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); gap: 14px; }
        .card { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
        .card.review { outline: 3px solid #e8a317; }
        .badge { display: inline-block; background: #e8a317; color: #1d2330; font-weight: 600; font-size: .8rem; padding: 2px 8px; border-radius: 10px; }
        .why { margin: 6px 0 8px; font-size: .9rem; }
        .thumbs { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
        figure { margin: 0; text-align: center; font-size: .75rem; color: #5b6475; }
        figure a { display: block; line-height: 0; }
        figure img { width: 100%; height: auto; border-radius: 4px; outline: 1px solid #e3e6ec; }
        figure.checker img { background: repeating-conic-gradient(#d5d8de 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
        figure.missing a::after { content: "missing"; display: block; line-height: 1.4; color: #a3261b; }
        figure .none { display: block; padding: 30% 0; background: #eceef2; border-radius: 4px; }
        h3 { font-size: .95rem; margin: 10px 0 4px; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; font-size: .85rem; }
        dt { color: #5b6475; } dd { margin: 0; }
        .problem { color: #a3261b; font-size: .85rem; }
        """;

    // Marks a thumbnail whose file is gone, and counts the shown ones once the page has loaded.
    private const string Script = """
        const missing = img => img.closest('figure').classList.add('missing');
        for (const img of document.images) {
          img.addEventListener('error', () => missing(img));
          if (img.complete && img.naturalWidth === 0) missing(img); // failed before this script ran
        }
        addEventListener('load', () => {
          const shown = [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;
          document.documentElement.dataset.thumbnails = shown + '/' + document.images.length;
        });
        """;

    public static string Render(string title, IReadOnlyList<ReviewEntry> entries, IReadOnlyList<ThumbnailSet> thumbnails,
        IReadOnlyList<ReviewFailure> failures, string pageFolder, string filesFolder, DateTimeOffset made)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(HtmlEncode(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<header>\n<h1>")
            .Append(HtmlEncode(title)).Append("</h1>\n");
        var review = entries.Count(e => e.NeedsReview);
        html.Append(c, $"<p class=\"counts\">{entries.Count} images · {review} to review · {failures.Count} failed</p>\n");
        html.Append("<p>").Append(HtmlEncode(Facts(entries))).Append("</p>\n<p>Made ")
            .Append(HtmlEncode(made.ToString("yyyy-MM-dd HH:mm zzz", c))).Append(" by RmbgPS</p>\n</header>\n<main>\n");

        if (failures.Count > 0)
        {
            html.Append(c, $"<section class=\"failed\">\n<h2>Failed ({failures.Count})</h2>\n<table>\n<tr><th>File</th><th>ErrorId</th><th>Message</th></tr>\n");
            foreach (var failure in failures)
                html.Append("<tr><td>").Append(HtmlEncode(failure.InputPath ?? "")).Append(failure.Node is null ? "" : " <small>(" + HtmlEncode(failure.Node) + ")</small>")
                    .Append("</td><td><code>").Append(HtmlEncode(failure.ErrorId)).Append("</code></td><td>").Append(HtmlEncode(failure.Message)).Append("</td></tr>\n");
            html.Append("</table>\n</section>\n");
        }

        html.Append("<section class=\"cards\">\n");
        // Doubtful first; otherwise in the order the results came.
        foreach (var i in Enumerable.Range(0, entries.Count).OrderBy(i => entries[i].NeedsReview ? 0 : 1))
            Card(html, entries[i], thumbnails[i], pageFolder, filesFolder);
        html.Append("</section>\n</main>\n<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Facts(IReadOnlyList<ReviewEntry> entries)
    {
        var total = TimeSpan.FromTicks(entries.Sum(e => e.Time?.Ticks ?? 0));
        static string Distinct(IEnumerable<string?> values) => string.Join(", ", values.Where(v => !string.IsNullOrEmpty(v)).Distinct().DefaultIfEmpty("unknown"));
        var nodes = entries.Select(e => e.Node).Where(n => n is not null).Distinct().ToList();
        return $"Model {Distinct(entries.Select(e => e.Model))} · device {Distinct(entries.Select(e => e.Device))}" +
               (entries.Any(e => e.Time is not null) ? string.Create(CultureInfo.InvariantCulture, $" · {total.TotalSeconds:0.0} s of processing") : "") +
               (nodes.Count > 0 ? $" · nodes {string.Join(", ", nodes)}" : "");
    }

    private static void Card(StringBuilder html, ReviewEntry entry, ThumbnailSet thumbs, string pageFolder, string filesFolder)
    {
        var c = CultureInfo.InvariantCulture;
        html.Append(entry.NeedsReview ? "<article class=\"card review\">\n<span class=\"badge\">Needs review</span>\n<p class=\"why\">" + HtmlEncode(entry.ReviewReason) + "</p>\n" : "<article class=\"card\">\n");
        html.Append("<div class=\"thumbs\">\n");
        Figure(html, "original", thumbs.Original, entry.InputPath, thumbs, pageFolder, filesFolder, checker: false);
        Figure(html, "cut-out", thumbs.Cutout, entry.OutputPath, thumbs, pageFolder, filesFolder, checker: thumbs.CutoutHasAlpha);
        Figure(html, "mask", thumbs.Mask, entry.MaskPath ?? entry.OutputPath, thumbs, pageFolder, filesFolder, checker: false);
        html.Append("</div>\n<h3>").Append(HtmlEncode(Path.GetFileName(entry.InputPath))).Append("</h3>\n<dl>\n");
        void Fact(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                html.Append("<dt>").Append(name).Append("</dt><dd>").Append(HtmlEncode(value)).Append("</dd>\n");
        }
        Fact("size", entry.Width > 0 ? string.Create(c, $"{entry.Width}x{entry.Height}") : null);
        Fact("kept", entry.ForegroundRatio.ToString("P1", c));
        Fact("box", entry.Box is { } b ? string.Create(c, $"{b.Width}x{b.Height} at {b.X},{b.Y}") : "nothing kept");
        Fact("time", entry.Time is { } t ? string.Create(c, $"{t.TotalSeconds:0.00} s") : null);
        Fact("node", entry.Node);
        html.Append("</dl>\n");
        foreach (var problem in thumbs.Problems)
            html.Append("<p class=\"problem\">").Append(HtmlEncode(problem)).Append("</p>\n");
        html.Append("</article>\n");
    }

    private static void Figure(StringBuilder html, string caption, string? thumbnail, string? target, ThumbnailSet thumbs, string pageFolder, string filesFolder, bool checker)
    {
        html.Append(checker ? "<figure class=\"checker\">" : "<figure>");
        if (thumbnail is null)
            html.Append("<span class=\"none\"></span>");
        else
        {
            var source = Uri.EscapeDataString(filesFolder) + "/" + thumbnail;
            html.Append("<a href=\"").Append(HtmlEncode(target is null ? source : Link(pageFolder, target))).Append("\">")
                .Append("<img src=\"").Append(HtmlEncode(source)).Append('"')
                .Append(CultureInfo.InvariantCulture, $" width=\"{thumbs.Width}\" height=\"{thumbs.Height}\" loading=\"lazy\" decoding=\"async\" alt=\"{caption}\"></a>");
        }
        html.Append("<figcaption>").Append(caption).Append("</figcaption></figure>\n");
    }

    /// <summary>A link from the page to a file: relative where it can be (the page and its files move together), else a file: URL.</summary>
    internal static string Link(string pageFolder, string file)
    {
        var relative = Path.GetRelativePath(pageFolder, file);
        if (!Path.IsPathRooted(relative))
            return Escaped(relative);
        // Another drive or share: a file: URL, escaped segment by segment (Uri would take a '%' in a name as an escape).
        var full = Path.GetFullPath(file);
        var drive = Path.GetPathRoot(full)!.TrimEnd('\\', '/');
        return "file:///" + (drive.Length > 0 ? drive.Replace('\\', '/').TrimStart('/') + "/" : "") + Escaped(full[Path.GetPathRoot(full)!.Length..]);
    }

    private static string Escaped(string path) =>
        string.Join('/', path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
}
