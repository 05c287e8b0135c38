using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Reporting;

namespace RmbgPS.Tests;

/// <summary>The review sheet: its thumbnails, its order (the doubtful first), its failures, and a page that survives odd names.</summary>
public sealed class ReviewSheetTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string Page => folder.File(Path.Combine("out", "review.html"));
    private string Files => folder.File(Path.Combine("out", "review_files"));

    /// <summary>A 600x400 input, its cut-out (the red square kept, the rest transparent) and its mask as files.</summary>
    private (string Input, string Cutout, string Mask) Photo(string name)
    {
        Directory.CreateDirectory(folder.File("in"));
        Directory.CreateDirectory(folder.File("out"));
        var input = TestImages.SavePng(TestImages.RedSquare(600, 400, 150, 100, 300, 200), folder.File(Path.Combine("in", name + ".png")));
        var cut = TestImages.RedSquare(600, 400, 150, 100, 300, 200);
        var alpha = new byte[600 * 400];
        for (var i = 0; i < alpha.Length; i++)
        {
            var (x, y) = (i % 600, i / 600);
            alpha[i] = x is >= 150 and < 450 && y is >= 100 and < 300 ? (byte)255 : (byte)0;
            cut.Pixels[i * 4 + 3] = alpha[i];
        }
        var cutout = folder.File(Path.Combine("out", name + ".nobg.png"));
        using (var stream = File.Create(cutout))
            ImageEncoder.WritePng(stream, new RgbaImage(600, 400, cut.Pixels, hasTransparency: true));
        var mask = folder.File(Path.Combine("out", name + ".mask.png"));
        using (var stream = File.Create(mask))
            ImageEncoder.WriteGrayPng(stream, alpha, 600, 400);
        return (input, cutout, mask);
    }

    private static ReviewEntry Entry(string input, string? cutout, double ratio, string? mask = null) => new()
    {
        InputPath = input, OutputPath = cutout, MaskPath = mask, Width = 600, Height = 400, ForegroundRatio = ratio,
        Box = (150, 100, 300, 200), Time = TimeSpan.FromSeconds(2.5), Model = "isnet:fp16", Device = "Cpu",
    };

    [Fact]
    public void The_page_shows_every_image_as_thumbnails_the_doubtful_first_and_lists_the_failures()
    {
        var clear = Photo("clear");
        var doubtful = Photo("a doubtful & odd <name>");
        var entries = new[]
        {
            Entry(clear.Input, clear.Cutout, 0.25),
            Entry(doubtful.Input, doubtful.Cutout, 0.005) with { Node = "node-2" },
        };
        var failures = new[] { new ReviewFailure("/photos/broken.png", "NotAnImage", "'broken.png' is not an image <really>.") };
        var done = 0;
        var result = ReviewSheet.Write(Page, entries, failures, new ReviewSheetOptions(), () => Interlocked.Increment(ref done), CancellationToken.None);

        Assert.Equal((2, 1, 1), (result.Images, result.NeedingReview, result.Failed));
        Assert.Equal(2, done); // once an image
        var html = File.ReadAllText(Page);
        // The doubtful card first, with its badge and why; the clear one after.
        var doubtfulAt = html.IndexOf("a doubtful &amp; odd &lt;name&gt;.png", StringComparison.Ordinal);
        var clearAt = html.IndexOf("<h3>clear.png</h3>", StringComparison.Ordinal);
        Assert.True(doubtfulAt > 0 && clearAt > doubtfulAt, "the doubtful card comes first");
        Assert.True(html.IndexOf("<article class=\"card review\">", StringComparison.Ordinal) < html.IndexOf("<article class=\"card\">", StringComparison.Ordinal));
        Assert.Contains("Needs review", html);
        Assert.Contains("Almost nothing was kept (0.5", html);
        Assert.Contains("node-2", html);
        // The failure, escaped; the header's counts.
        Assert.Contains("<code>NotAnImage</code>", html);
        Assert.Contains("is not an image &lt;really&gt;.", html);
        Assert.Contains("2 images · 1 to review · 1 failed", html);
        Assert.DoesNotContain("<name>", html);
        // Links to the full files, relative, each path segment escaped; thumbnails from the folder beside the page.
        Assert.Contains("href=\"../in/clear.png\"", html);
        Assert.Contains("href=\"a%20doubtful%20%26%20odd%20%3Cname%3E.nobg.png\"", html);
        Assert.Contains("src=\"review_files/00001o.webp\"", html);
        Assert.Contains("loading=\"lazy\"", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "")); // nothing fetched from anywhere

        foreach (var kind in "ocm")
            for (var i = 1; i <= 2; i++)
            {
                var thumbnail = ImageDecoder.Decode(Path.Combine(Files, $"{i:D5}{kind}.webp"));
                Assert.Equal((256, 171), (thumbnail.Width, thumbnail.Height));
                if (kind == 'c')
                    Assert.True(thumbnail.HasTransparency, "the cut-out keeps its transparency, shown over a checkerboard");
            }
        Assert.Contains("<figure class=\"checker\">", html);
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void A_file_that_is_gone_is_a_note_on_its_card_and_a_mask_comes_from_the_cut_outs_alpha_or_from_memory()
    {
        var photo = Photo("p");
        var alpha = new byte[600 * 400];
        Array.Fill(alpha, (byte)200);
        var entries = new[]
        {
            Entry(photo.Input, folder.File("out/gone.png"), 0.3),
            Entry(photo.Input, photo.Cutout, 0.3),
            Entry(photo.Input, null, 0.3).WithMask(alpha, 600, 400),
        };
        Assert.Equal((256, 171, 256 * 171), (entries[2].MaskWidth, entries[2].MaskHeight, entries[2].Mask!.Length)); // held small, not whole
        ReviewSheet.Write(Page, entries, [], new ReviewSheetOptions(), null, CancellationToken.None);
        var html = File.ReadAllText(Page);
        Assert.Contains("The cut-out could not be shown:", html);
        Assert.False(File.Exists(Path.Combine(Files, "00001c.webp")));
        Assert.True(File.Exists(Path.Combine(Files, "00001o.webp")), "what can be shown is");
        var fromCutout = ImageDecoder.Decode(Path.Combine(Files, "00002m.webp"));
        Assert.InRange(fromCutout.Pixels[(85 * 256 + 128) * 4], 240, 255); // inside the square: kept, white
        Assert.InRange(fromCutout.Pixels[(5 * 256 + 5) * 4], 0, 15); // outside: black
        var fromMemory = ImageDecoder.Decode(Path.Combine(Files, "00003m.webp"));
        Assert.InRange(fromMemory.Pixels[(85 * 256 + 128) * 4], 190, 210);
    }

    [Fact]
    public void An_existing_page_is_kept_unless_replaced_and_a_replacement_sweeps_only_the_earlier_sheets_thumbnails()
    {
        var photo = Photo("p");
        var three = Enumerable.Repeat(Entry(photo.Input, photo.Cutout, 0.3), 3).ToArray();
        ReviewSheet.Write(Page, three, [], new ReviewSheetOptions(), null, CancellationToken.None);
        File.WriteAllText(Path.Combine(Files, "notes.txt"), "mine");
        var before = File.ReadAllText(Page);

        var refused = Assert.Throws<FileException>(() => ReviewSheet.Write(Page, three[..1], [], new ReviewSheetOptions(), null, CancellationToken.None));
        Assert.Equal(FileErrorKind.OutputExists, refused.Kind);
        Assert.Equal(before, File.ReadAllText(Page));

        ReviewSheet.Write(Page, three[..1], [], new ReviewSheetOptions { Overwrite = true }, null, CancellationToken.None);
        Assert.Equal(["00001c.webp", "00001m.webp", "00001o.webp", "notes.txt"], Directory.GetFiles(Files).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_results_own_verdict_decides_a_ratio_rounded_onto_the_limit()
    {
        var photo = Photo("p");
        var rounded = Entry(photo.Input, photo.Cutout, 0.02) with { NeedsReview = true }; // 0.019996 shown to four places
        Assert.True(rounded.NeedsReview);
        Assert.StartsWith("Almost nothing was kept (2.0", rounded.ReviewReason);
        Assert.False((Entry(photo.Input, photo.Cutout, 0.01) with { NeedsReview = false }).NeedsReview);
        Assert.True(Entry(photo.Input, photo.Cutout, 0.99).NeedsReview); // none given: the rule
    }

    [Fact]
    public void Links_escape_every_character_a_file_name_may_hold()
    {
        Directory.CreateDirectory(folder.File("out"));
        var odd = folder.File(Path.Combine("in", "week #49 100% ?é.png"));
        Assert.Equal("../in/week%20%2349%20100%25%20%3F%C3%A9.png", ReviewPage.Link(folder.File("out"), odd));
    }

    [Fact]
    public void A_stopped_sheet_writes_no_page()
    {
        var photo = Photo("p");
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ReviewSheet.Write(Page, [Entry(photo.Input, photo.Cutout, 0.3)], [], new ReviewSheetOptions(), null, stop.Token));
        Assert.False(File.Exists(Page));
    }

    [Theory]
    [InlineData(4000, 3000, 256, 192)]
    [InlineData(3000, 4000, 192, 256)]
    [InlineData(100, 50, 100, 50)] // never enlarged
    [InlineData(10000, 10, 256, 1)]
    public void A_thumbnail_fits_its_long_side(int width, int height, int thumbWidth, int thumbHeight) =>
        Assert.Equal((thumbWidth, thumbHeight), Thumbnail.SizeFor(width, height, 256));
}
