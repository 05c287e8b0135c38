using System.Management.Automation;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Batches as users run them: pipelined images, results in input order, progress, and stopping.</summary>
public sealed class BatchTests : IDisposable
{
    private readonly PowerShellHost pwsh = new();
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-batch-tests", Guid.NewGuid().ToString("N"));
    private readonly string model;
    private readonly string photos;
    private readonly string[] names = ["a-large", "b", "c-large", "d", "e", "f"];

    public BatchTests()
    {
        Directory.CreateDirectory(root);
        model = SyntheticModel.Write(Path.Combine(root, "red.onnx"), SyntheticModelSpec.IsnetRed(256));
        photos = Path.Combine(root, "in");
        Directory.CreateDirectory(photos);
        // Large images among small ones, so later items finish before earlier ones unless order is kept.
        foreach (var name in names)
        {
            var (w, h) = name.EndsWith("large") ? (3000, 2000) : (300, 200);
            File.WriteAllBytes(Path.Combine(photos, name + ".png"), PngFile.Rgba(w, h, RedDisk(w, h)));
        }
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private string Dir(string name) => Path.Combine(root, name);

    /// <summary>A red disk (the synthetic model's subject) on grey-blue, with a soft rim.</summary>
    private static byte[] RedDisk(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        var (cx, cy, r) = (width / 2.0, height / 2.0, Math.Min(width, height) / 3.0);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                var t = Math.Clamp((r - d) / 4 + 0.5, 0, 1);
                var i = (y * width + x) * 4;
                (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = ((byte)(255 * t), 90, (byte)(160 * (1 - t)), 255);
            }
        return rgba;
    }

    [Fact]
    public void Results_come_out_in_input_order_and_match_one_at_a_time_processing()
    {
        var one = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2] -ThrottleLimit 1",
            photos, Dir("one"), model);
        var many = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2] -ThrottleLimit 4 -Verbose",
            photos, Dir("many"), model);

        Assert.Empty(one.Errors);
        Assert.Empty(many.Errors);
        var expected = names.Select(n => Path.Combine(photos, n + ".png")).ToArray();
        Assert.Equal(expected, one.Output.Select(o => (string)o.Properties["InputPath"].Value));
        Assert.Equal(expected, many.Output.Select(o => (string)o.Properties["InputPath"].Value));
        // Verbose lines too are written in input order, from the pipeline thread.
        Assert.Equal(names.Select(n => n + ".png"), many.Verbose.Where(v => v.Contains(" -> ")).Select(v => v[..v.IndexOf(':')]));
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(Dir("one"), name + ".nobg.png")), File.ReadAllBytes(Path.Combine(Dir("many"), name + ".nobg.png")));
    }

    [Fact]
    public void A_failing_image_is_reported_and_the_images_after_it_still_come_out_in_order()
    {
        File.WriteAllText(Path.Combine(photos, "c-large.png"), "not an image");
        var r = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2] -ThrottleLimit 3",
            photos, Dir("out"), model);
        var error = Assert.Single(r.Errors);
        Assert.Contains("c-large.png", error.ToString());
        Assert.Equal(names.Where(n => n != "c-large").Select(n => Path.Combine(photos, n + ".png")),
            r.Output.Select(o => (string)o.Properties["InputPath"].Value));
    }

    [Fact]
    public void A_wildcard_is_expanded_up_front_so_progress_shows_the_total_and_a_percentage()
    {
        var r = pwsh.Run("Get-ImageMask -Path $args[0] -Model $args[1]", Path.Combine(photos, "*.png"), model);
        Assert.Empty(r.Errors);
        Assert.Equal(6, r.Output.Count);
        var running = r.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Equal(6, running.Count); // one per image as it enters the pipeline
        // The file first: PowerShell's default Minimal view shows the status line, not CurrentOperation.
        Assert.All(running, p => Assert.Matches(@"^\S+\.png \(\d of 6 done", p.StatusDescription));
        Assert.Equal(names.Select(n => n + ".png"), running.Select(p => p.CurrentOperation));
        Assert.Equal(running.Select(p => p.PercentComplete).Order(), running.Select(p => p.PercentComplete));
        Assert.InRange(running[^1].PercentComplete, 50, 99);
        Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Completed);

        // Piped input has no known total: no percentage is claimed.
        var piped = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Get-ImageMask -Model $args[1]", photos, model);
        Assert.All(piped.Progress.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.Equal(-1, p.PercentComplete));
    }

    [Fact]
    public void ThrottleLimit_must_be_at_least_one()
    {
        var r = pwsh.Run("Get-ImageMask -Path $args[0] -Model $args[1] -ThrottleLimit 0", Path.Combine(photos, "b.png"), model);
        Assert.Empty(r.Output);
        Assert.Contains("ThrottleLimit", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void The_optimised_graph_cache_can_be_turned_off_and_Get_RmbgDevice_tells_where_the_graph_came_from()
    {
        var image = Path.Combine(photos, "b.png");
        var off = pwsh.Run("Set-RmbgDevice -OptimizedGraphCache:$false; $null = Get-ImageMask -LiteralPath $args[0] -Model $args[1]; Get-RmbgDevice", image, model);
        var info = Assert.Single(off.Output);
        Assert.False((bool)info.Properties["OptimizedGraphCache"].Value);
        Assert.Equal("optimised at load", info.Properties["GraphSource"].Value);

        var on = pwsh.Run("Set-RmbgDevice -OptimizedGraphCache; Get-ImageMask -LiteralPath $args[0] -Model $args[1] -Verbose", image, model);
        Assert.Contains(on.Verbose, v => v.StartsWith("Loaded model") && v.Contains("optimised now, cached as"));
        var again = pwsh.Run("Set-RmbgDevice -ThreadCount 1; Get-ImageMask -LiteralPath $args[0] -Model $args[1] -Verbose; Set-RmbgDevice -ThreadCount 0", image, model);
        Assert.Contains(again.Verbose, v => v.StartsWith("Loaded model") && v.Contains("cached optimised graph"));
    }

    [Fact]
    public void WorkerPriority_changes_how_batches_run_without_reloading_the_model()
    {
        try
        {
            var r = pwsh.Run("$null = Get-ImageMask -LiteralPath $args[0] -Model $args[1]; $before = Get-RmbgDevice; " +
                             "Set-RmbgDevice -WorkerPriority Idle -Verbose; $after = Get-RmbgDevice; " +
                             "$masks = Get-ChildItem -LiteralPath $args[2] | Where-Object Extension -eq '.png' | Get-ImageMask -Model $args[1] -ThrottleLimit 3; " +
                             "$before, $after, (Get-RmbgDevice), $masks.Count", Path.Combine(photos, "b.png"), model, photos);
            Assert.Empty(r.Errors);
            var (before, after, last) = (r.Output[0], r.Output[1], r.Output[2]);
            Assert.Equal("BelowNormal", before.Properties["WorkerPriority"].Value);
            Assert.Equal("Idle", after.Properties["WorkerPriority"].Value);
            Assert.Equal(before.Properties["SessionId"].Value, last.Properties["SessionId"].Value); // the model stayed loaded
            Assert.Equal(before.Properties["LoadCount"].Value, last.Properties["LoadCount"].Value);
            Assert.Equal(Directory.GetFiles(photos, "*.png").Length, (int)r.Output[3].BaseObject);
            Assert.Contains(r.Verbose, v => v.Contains("Idle") && v.Contains("stays loaded"));

            var invalid = pwsh.Run("Set-RmbgDevice -WorkerPriority Fastest");
            Assert.Contains("WorkerPriority", Assert.Single(invalid.Errors).ToString());
        }
        finally
        {
            pwsh.Run("Set-RmbgDevice -WorkerPriority BelowNormal");
        }
    }

    [Fact]
    public void Two_inputs_with_one_base_name_give_one_mask_and_an_error_for_the_second_whatever_finishes_first()
    {
        var other = Dir("other");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(photos, "b.png"), Path.Combine(other, "a-large.png")); // small, so it would finish first
        var r = pwsh.Run("Get-ImageMask -LiteralPath $args[0], $args[1] -OutputPath $args[2] -Model $args[3] -ThrottleLimit 2",
            Path.Combine(photos, "a-large.png"), Path.Combine(other, "a-large.png"), Dir("masks"), model);
        Assert.Equal(Path.Combine(photos, "a-large.png"), (string)Assert.Single(r.Output).Properties["Path"].Value);
        Assert.Equal("OutputExists", Assert.Single(r.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }
}
