using System.Management.Automation;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>What a new user met in the first hour (issue 14): each point as they met it, in the real PowerShell.</summary>
public sealed class FirstHourTests : IDisposable
{
    private readonly PowerShellHost pwsh = new();
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-first-hour", Guid.NewGuid().ToString("N"));
    private readonly string model;
    private readonly string photos;

    public FirstHourTests()
    {
        Directory.CreateDirectory(root);
        model = SyntheticModel.Write(Path.Combine(root, "red.onnx"), SyntheticModelSpec.IsnetRed(256));
        photos = Directory.CreateDirectory(Path.Combine(root, "in")).FullName;
        foreach (var name in new[] { "a", "b" })
            File.Copy(TestAssets.Photo("chelsea.png"), Path.Combine(photos, name + ".png"));
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private string Dir(string name) => Path.Combine(root, name);

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void A_rerun_over_a_folder_leaves_out_its_own_outputs_unless_named()
    {
        File.Copy(TestAssets.Photo("chelsea.png"), Path.Combine(photos, "old.nobg.png")); // a cut-out of an earlier run
        File.Copy(TestAssets.Photo("chelsea.png"), Path.Combine(photos, "b.mask.png"));
        var r = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -Model $args[1] -Verbose", photos, model);
        Assert.Empty(r.Errors);
        Assert.Equal(["a.nobg.png", "b.nobg.png"], r.Output.Select(o => (string)o.Properties["Name"].Value).Order());
        Assert.Contains(r.Verbose, v => v.Contains("old.nobg.png") && v.StartsWith("Skipped", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Contains("b.mask.png") && v.StartsWith("Skipped", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(photos, "old.nobg.nobg.png")));

        var wildcard = pwsh.Run("Get-ImageMask -Path $args[0] -Model $args[1]", Path.Combine(photos, "*.png"), model);
        Assert.Equal(5, wildcard.Output.Count); // a, b and the cut-outs a, b and old (a mask of a cut-out checks it); not b.mask

        var named = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model $args[2]", Path.Combine(photos, "b.mask.png"), Dir("named"), model);
        Assert.Empty(named.Errors);
        Assert.True(File.Exists(Path.Combine(Dir("named"), "b.mask.nobg.png")));
    }

    [Fact]
    public void WhatIf_says_what_the_run_would_do_with_an_existing_output()
    {
        var out_ = Directory.CreateDirectory(Dir("out")).FullName;
        File.WriteAllText(Path.Combine(out_, "a.nobg.png"), "old");
        // -WhatIf writes to the host, so a real pwsh shows what a user sees.
        const string Script = "param($In, $Out, $Model, $Force) Import-Module $env:RMBGPS_MANIFEST; Remove-ImageBackground -Path $In -OutputPath $Out -Model $Model -WhatIf -Force:($Force -eq 'yes')";
        var environment = new Dictionary<string, string?> { ["RMBGPS_MANIFEST"] = PowerShellHost.ModuleManifest };
        var refused = PwshProcess.RunScript(Script, [Path.Combine(photos, "*.png"), out_, model, "no"], TimeSpan.FromMinutes(2), environment).Output.Replace("\n", "");
        Assert.Contains($"refused, '{Path.Combine(out_, "a.nobg.png")}' already exists (OutputExists", refused);
        Assert.Contains($"write '{Path.Combine(out_, "b.nobg.png")}'", refused);
        var forced = PwshProcess.RunScript(Script, [Path.Combine(photos, "a.png"), out_, model, "yes"], TimeSpan.FromMinutes(2), environment).Output.Replace("\n", "");
        Assert.Contains($"overwrite '{Path.Combine(out_, "a.nobg.png")}'", forced);
        Assert.Equal("old", File.ReadAllText(Path.Combine(out_, "a.nobg.png")));
    }

    [Fact]
    public void Without_a_model_no_output_folder_is_created()
    {
        var r = pwsh.Run("Remove-ImageBackground -Path $args[0] -OutputPath $args[1] -Model $args[2]", Path.Combine(photos, "a.png"), Dir("x"), Path.Combine(root, "missing.onnx"));
        Assert.Equal("ModelNotFound", r.Terminating is { } t ? ((IContainsErrorRecord)t).ErrorRecord.FullyQualifiedErrorId.Split(',')[0] : Id(Assert.Single(r.Errors)));
        Assert.False(Directory.Exists(Dir("x")));
    }

    [Fact]
    public void An_unwritable_output_folder_is_found_before_any_image_runs()
    {
        using var readOnly = new SmallFileSystem(kilobytes: 64, readOnly: true);
        var r = pwsh.Run("Remove-ImageBackground -Path $args[0] -OutputPath $args[1] -Model $args[2]", Path.Combine(photos, "*.png"), readOnly.Root, model);
        Assert.Empty(r.Output);
        var error = Assert.Single(r.Errors); // one, for the command: not one per image
        Assert.Equal("OutputFolderNotWritable", Id(error));
        Assert.Contains(readOnly.Root, error.Exception.Message);
        Assert.DoesNotContain(".tmp", error.Exception.Message);

        // Masks too, piped: one error for the command, not one per image after its model run.
        var masks = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Get-ImageMask -Model $args[1] -OutputPath $args[2]", photos, model, readOnly.Root);
        Assert.Equal("OutputFolderNotWritable", Id(Assert.Single(masks.Errors)));
        Assert.Empty(masks.Output);
    }

    [Fact]
    public void Path_errors_name_what_the_user_typed_and_hint_only_where_it_helps()
    {
        var sub = Directory.CreateDirectory(Path.Combine(photos, "sub")).FullName;
        var folder = pwsh.Run("Remove-ImageBackground -Path $args[0] -Model $args[1] -WhatIf", sub, model);
        var error = Assert.Single(folder.Errors);
        Assert.Equal("PathIsFolder", Id(error));
        Assert.Contains($"'{sub}' is a folder", error.Exception.Message);
        Assert.Contains($"Get-ChildItem -LiteralPath '{sub}' -File | Remove-ImageBackground", error.Exception.Message);
        Assert.DoesNotContain("FileSystem::", error.Exception.Message);

        var star = pwsh.Run("Remove-ImageBackground -Path $args[0] -Model $args[1] -WhatIf -Verbose", Path.Combine(photos, "*"), model);
        Assert.Empty(star.Errors); // a wildcard passes over folders, with a verbose line
        Assert.Contains(star.Verbose, v => v.Contains($"'{sub}'") && v.Contains("a folder"));

        File.Copy(TestAssets.Photo("chelsea.png"), Path.Combine(photos, "[1].png"));
        var literal = pwsh.Run("Remove-ImageBackground -Path $args[0] -Model $args[1] -WhatIf", Path.Combine(photos, "[1].png"), model);
        var hint = Assert.Single(literal.Errors);
        Assert.Equal("FileNotFound", Id(hint));
        Assert.Contains("-LiteralPath", hint.Exception.Message);

        var gone = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -Model $args[1]", Path.Combine(photos, "deleted.png"), model);
        var missing = Assert.Single(gone.Errors);
        Assert.Equal("FileNotFound", Id(missing));
        Assert.DoesNotContain("-LiteralPath", missing.Exception.Message);
    }

    [Fact]
    public void A_setting_that_changes_nothing_keeps_the_model_and_the_next_model_is_shown_before_it_loads()
    {
        var before = pwsh.Run("$env:RMBG_MODEL = $args[0]; Get-RmbgDevice", model).Output.Single();
        Assert.Equal(model, before.Properties["NextModel"].Value);
        Assert.Contains("RMBG_MODEL", (string)before.Properties["NextModelChosenBy"].Value);

        pwsh.Run("Set-RmbgDevice -Device Auto; Get-ImageMask -LiteralPath $args[0] | Out-Null", Path.Combine(photos, "a.png"));
        var loaded = pwsh.Run("Get-RmbgDevice").Output.Single();
        var again = pwsh.Run("Set-RmbgDevice -Device Auto -Verbose");
        Assert.Contains(again.Verbose, v => v.Contains("stays loaded"));
        var after = pwsh.Run("Get-RmbgDevice; $env:RMBG_MODEL = $null").Output.First();
        Assert.Equal(loaded.Properties["SessionId"].Value, after.Properties["SessionId"].Value);
        Assert.Equal(loaded.Properties["LoadCount"].Value, after.Properties["LoadCount"].Value);
    }

    [Fact]
    public void A_picture_without_a_clear_subject_is_flagged_for_review()
    {
        // Blue only: under the red-is-subject model nothing is kept.
        var blue = Path.Combine(root, "blue.png");
        File.WriteAllBytes(blue, PngFile.Rgba(64, 48, Enumerable.Range(0, 64 * 48).SelectMany(_ => new byte[] { 0, 0, 255, 255 }).ToArray()));
        var r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model $args[2]", blue, Dir("out"), model);
        var result = Assert.Single(r.Output);
        Assert.True((bool)result.Properties["NeedsReview"].Value);
        Assert.Contains(r.Warnings, w => w.Contains("no clear subject"));
        var chelsea = pwsh.Run("Get-ImageMask -LiteralPath $args[0] -Model $args[1]", Path.Combine(photos, "a.png"), model);
        Assert.False((bool)chelsea.Output.Single().Properties["NeedsReview"].Value);
        Assert.Empty(chelsea.Warnings);
    }

    [Fact]
    public void Temporary_files_of_a_killed_run_are_swept_and_said_so()
    {
        var out_ = Directory.CreateDirectory(Dir("out")).FullName;
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        var host = System.Text.RegularExpressions.Regex.Replace(Environment.MachineName, "[^A-Za-z0-9]", "_");
        var stale = Path.Combine(out_, $".a.nobg.png.{host}-{ended.Id}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, []);
        var r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model $args[2] -Verbose", Path.Combine(photos, "b.png"), out_, model);
        Assert.Empty(r.Errors);
        Assert.False(File.Exists(stale));
        Assert.Contains(r.Verbose, v => v.Contains(Path.GetFileName(stale)) && v.Contains("killed"));
    }

    [Fact]
    public void Colours_and_background_pictures_complete_as_such()
    {
        var colours = pwsh.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", "Remove-ImageBackground x.png -BackgroundColor whi");
        Assert.Contains("white", colours.Output.Select(o => o.ToString()));
        Assert.Contains("whitesmoke", colours.Output.Select(o => o.ToString()));
        File.WriteAllText(Path.Combine(photos, "notes.txt"), "x");
        var script = $"Remove-ImageBackground x.png -BackgroundImage '{photos}/'";
        var images = pwsh.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.ListItemText", script).Output.Select(o => o.ToString()).ToList();
        Assert.Contains("a.png", images);
        Assert.DoesNotContain("notes.txt", images);
    }

    [Fact]
    public void A_relative_model_path_is_taken_from_PowerShells_location()
    {
        var r = pwsh.Run("Push-Location -LiteralPath $args[0]; try { Get-ImageMask -LiteralPath $args[1] -Model ./red.onnx } finally { Pop-Location }", root, Path.Combine(photos, "a.png"));
        Assert.Empty(r.Errors);
        Assert.Null(r.Terminating);
        Assert.Single(r.Output);
    }

    [Fact]
    public void Sizes_are_in_megabytes_of_a_million_bytes()
    {
        var info = pwsh.Run("Get-RmbgModel BiRefNet-lite").Output.First();
        var bytes = (long)info.Properties["Size"].Value;
        Assert.Equal(Math.Round(bytes / 1e6, 1), (double)info.Properties["SizeMB"].Value);
    }

    [Fact]
    public void A_failed_install_leaves_no_model_folder()
    {
        var store = Environment.GetEnvironmentVariable("RMBG_MODEL_HOME")!;
        var r = pwsh.Run("Install-RmbgModel BiRefNet-lite -Source http://127.0.0.1:9/BiRefNet-lite.onnx -MaximumRetryCount 0 -TimeoutSec 5");
        Assert.NotEmpty(r.Errors);
        Assert.False(Directory.Exists(Path.Combine(store, "BiRefNet-lite")));
    }
}
