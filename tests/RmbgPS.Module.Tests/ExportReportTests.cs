using System.Management.Automation;

namespace RmbgPS.Tests;

/// <summary>Export-RmbgReport stopped as Ctrl+C stops it: the command ends, and only after its thumbnail work has.</summary>
public sealed class ExportReportTests : IDisposable
{
    private readonly PowerShellHost pwsh = new();
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-module-tests", Guid.NewGuid().ToString("N"));

    public ExportReportTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        pwsh.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    [Fact]
    public void Stopping_a_sheet_ends_it_with_no_page_no_partial_file_and_nothing_written_after()
    {
        // A 12-MP picture as 300 results: its thumbnails take far longer than the stop.
        var (width, height) = (4000, 3000);
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < rgba.Length; i += 4)
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = ((byte)(i / 4 % width), (byte)(i / 4 / width), (byte)(i / 7), 255);
        var picture = Path.Combine(root, "big.png");
        File.WriteAllBytes(picture, PngFile.Rgba(width, height, rgba));
        var page = Path.Combine(root, "review.html");
        var thumbnails = Path.Combine(root, "review_files");
        int Made() => Directory.Exists(thumbnails) ? Directory.GetFiles(thumbnails, "*.webp").Length : 0;

        using var ps = pwsh.Prepare(
            "param($picture, $page) 1..300 | ForEach-Object { [pscustomobject]@{ InputPath = $picture; OutputPath = $picture; ForegroundRatio = 0.5 } } | Export-RmbgReport $page",
            picture, page);
        var runner = new PowerShellHost.BackgroundInvocation(ps);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Made() < 2 && runner.IsRunning && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        Assert.True(runner.IsRunning, $"the sheet ended before it could be stopped ({Made()} thumbnails, {runner.Failure?.Message})");
        ps.Stop();
        Assert.True(runner.Join(TimeSpan.FromSeconds(30)), "the stop was not honoured");

        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.False(File.Exists(page), "a stopped sheet writes no page");
        Assert.Empty(Directory.GetFiles(root, ".*.tmp", SearchOption.AllDirectories));
        var made = Made();
        Assert.InRange(made, 2, 300 * 3 - 1);
        Thread.Sleep(1000);
        Assert.Equal(made, Made()); // the work ended with the command
    }
}
