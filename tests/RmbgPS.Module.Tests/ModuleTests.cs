using System.Management.Automation;
using System.Management.Automation.Language;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>The module as users drive it: imported into the real PowerShell engine, fed FileInfo from the provider.</summary>
public sealed class ModuleTests : IDisposable
{
    private readonly PowerShellHost pwsh = new();
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-module-tests", Guid.NewGuid().ToString("N"));
    private readonly string model;
    private readonly string photos;

    public ModuleTests()
    {
        Directory.CreateDirectory(root);
        // Red = subject, exactly, under the ISNet profile.
        model = SyntheticModel.Write(Path.Combine(root, "red.onnx"), SyntheticModelSpec.IsnetRed(256));
        photos = Path.Combine(root, "in");
        Directory.CreateDirectory(photos);
        foreach (var name in new[] { "a", "b", "c" })
            File.Copy(TestAssets.Photo("chelsea.png"), Path.Combine(photos, name + ".png"));
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private string Dir(string name) => Path.Combine(root, name);

    private static string[] TempFiles(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, ".*.tmp", SearchOption.AllDirectories) : [];

    [Fact]
    public void The_manifest_exports_the_cmdlets_for_PowerShell_7_4_Core()
    {
        var r = pwsh.Run("Get-Module RmbgPS | ForEach-Object { $_.ExportedCmdlets.Keys; $_.PowerShellVersion.ToString(); $_.CompatiblePSEditions }");
        var values = r.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("Remove-ImageBackground", values);
        Assert.Contains("Get-ImageMask", values);
        Assert.Contains("Set-RmbgDevice", values);
        Assert.Contains("Get-RmbgDevice", values);
        foreach (var modelCmdlet in new[] { "Install-RmbgModel", "Get-RmbgModel", "Uninstall-RmbgModel", "Set-RmbgDefaultModel" })
            Assert.Contains(modelCmdlet, values);
        Assert.Contains("7.4", values);
        Assert.Contains("Core", values);

        var aliases = pwsh.Run("(Get-Command Remove-ImageBackground).Parameters['LiteralPath'].Aliases").Output.Select(o => o.ToString());
        Assert.Equal(["PSPath", "LP"], aliases);
    }

    [Fact]
    public void The_engine_and_its_native_libraries_load_from_the_module_folder_in_their_own_context()
    {
        pwsh.Run("Get-ImageMask -LiteralPath $args[0] -Model $args[1]", Path.Combine(photos, "a.png"), model);
        var engineFolder = Path.Combine(TestAssets.RepoRoot, "out", "RmbgPS", "engine");
        foreach (var name in new[] { "RmbgPS.Engine", "SkiaSharp", "Microsoft.ML.OnnxRuntime", "System.Numerics.Tensors" })
        {
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == name).ToList();
            var ours = Assert.Single(loaded, a => System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a)?.Name == "RmbgPS.Engine");
            Assert.Equal(Path.Combine(engineFolder, name + ".dll"), ours.Location);
            Assert.DoesNotContain(loaded, a => System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a) == System.Runtime.Loader.AssemblyLoadContext.Default);
        }
        if (!OperatingSystem.IsLinux())
            return;
        var maps = File.ReadAllText("/proc/self/maps");
        var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var moduleNative = Path.Combine(engineFolder, "runtimes", "linux-" + arch, "native");
        Assert.Contains(Path.Combine(moduleNative, "libonnxruntime.so"), maps);
        Assert.Contains(Path.Combine(moduleNative, "libSkiaSharp.so"), maps);
    }

    [Fact]
    public void FileInfo_from_the_provider_binds_by_PSPath_and_each_image_gets_a_result()
    {
        var r = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2]",
            photos, Dir("out"), model);

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(3, r.Output.Count);
        foreach (var o in r.Output)
        {
            var output = (string)o.Properties["OutputPath"].Value;
            Assert.True(File.Exists(output));
            Assert.EndsWith(".nobg.png", output);
            Assert.Equal(451, (int)o.Properties["Width"].Value);
            Assert.Equal(output, (string)o.Properties["FullName"].Value);
        }
        Assert.Equal(3, Directory.GetFiles(Dir("out"), "*.nobg.png").Length);
    }

    [Fact]
    public void Results_pipe_on_by_PSPath_into_the_next_cmdlet()
    {
        var r = pwsh.Run("Remove-ImageBackground -Path $args[0] -OutputPath $args[1] -Model $args[2] | Get-ImageMask -Model $args[2]",
            Path.Combine(photos, "*.png"), Dir("out"), model);
        Assert.Empty(r.Errors);
        Assert.Equal(3, r.Output.Count);
        Assert.All(r.Output, o => Assert.EndsWith(".nobg.png", (string)o.Properties["Path"].Value));
    }

    [Fact]
    public void WhatIf_writes_nothing()
    {
        var r = pwsh.Run("Remove-ImageBackground -Path $args[0] -OutputPath $args[1] -Model $args[2] -WhatIf", Path.Combine(photos, "*.png"), Dir("out"), model);
        Assert.Empty(r.Output);
        Assert.False(Directory.Exists(Dir("out")));
    }

    [Fact]
    public void An_existing_output_is_an_error_without_Force_and_replaced_with_it()
    {
        var out_ = Dir("out");
        Directory.CreateDirectory(out_);
        var existing = Path.Combine(out_, "a.nobg.png");
        File.WriteAllText(existing, "keep me");

        var r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model $args[2]", Path.Combine(photos, "a.png"), out_, model);
        Assert.Equal("OutputExists", r.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ResourceExists, r.Errors.Single().CategoryInfo.Category);
        Assert.Equal("keep me", File.ReadAllText(existing));

        r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model $args[2] -Force", Path.Combine(photos, "a.png"), out_, model);
        Assert.Empty(r.Errors);
        Assert.NotEqual("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void A_bad_file_in_the_middle_of_a_batch_is_reported_and_the_rest_is_processed()
    {
        File.WriteAllText(Path.Combine(photos, "b.png"), "not an image at all");
        var r = pwsh.Run("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2]; " +
                         "Remove-ImageBackground -LiteralPath $args[3] -OutputPath $args[1] -Model $args[2]",
            photos, Dir("out"), model, Path.Combine(photos, "missing.png"));

        Assert.Null(r.Terminating);
        Assert.Equal(2, r.Output.Count);
        var ids = r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        Assert.Equal(["NotAnImage", "FileNotFound"], ids);
        Assert.Contains("b.png", r.Errors[0].Exception.Message);
        Assert.Equal(ErrorCategory.InvalidData, r.Errors[0].CategoryInfo.Category);
        Assert.Empty(TempFiles(Dir("out")));
    }

    [Fact]
    public void Without_a_model_the_error_is_terminating_and_says_where_it_looked()
    {
        var r = pwsh.Run("$ErrorActionPreference = 'Stop'; Remove-ImageBackground -LiteralPath $args[0], $args[0] -Model $args[1]", Path.Combine(photos, "a.png"), Path.Combine(root, "nope.onnx"));
        var error = Assert.Single(r.Errors.Concat(r.Terminating is null ? [] : [r.Terminating.ErrorRecord]).DistinctBy(e => e.Exception.Message));
        Assert.Equal("ModelNotFound", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("nope.onnx", error.Exception.Message);
        Assert.Contains("RMBG_MODEL", error.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void The_model_is_loaded_once_per_process_across_calls_and_runspaces()
    {
        pwsh.Run("Set-RmbgDevice -Model $args[0]", model);
        var first = pwsh.Run("Get-ImageMask -LiteralPath $args[0] | Out-Null; Get-RmbgDevice", Path.Combine(photos, "a.png")).Output.Single();
        var id = first.Properties["SessionId"].Value;
        var loads = (int)first.Properties["LoadCount"].Value;

        var r = pwsh.Run("$m = $args[1]; $args[0] | ForEach-Object -ThrottleLimit 2 -Parallel { Import-Module $using:m; (Get-ImageMask -LiteralPath $_).Width }; Get-RmbgDevice",
            new[] { Path.Combine(photos, "b.png"), Path.Combine(photos, "c.png") }, PowerShellHost.ModuleManifest);
        Assert.Empty(r.Errors);
        var after = r.Output.Last();
        Assert.Equal(id, after.Properties["SessionId"].Value);
        Assert.Equal(loads, (int)after.Properties["LoadCount"].Value);

        pwsh.Run("Set-RmbgDevice -Device Cpu -ThreadCount 1");
        var swapped = pwsh.Run("Get-ImageMask -LiteralPath $args[0] | Out-Null; Get-RmbgDevice", Path.Combine(photos, "a.png")).Output.Single();
        Assert.NotEqual(id, swapped.Properties["SessionId"].Value);
        pwsh.Run("Set-RmbgDevice -Device Auto -ThreadCount 0 -Model ''");
    }

    [Fact]
    public void A_device_this_build_lacks_is_a_terminating_error_listing_the_providers()
    {
        var r = pwsh.Run("$ErrorActionPreference = 'Stop'; Set-RmbgDevice -Device Cuda");
        var error = Assert.Single(r.Errors.Concat(r.Terminating is null ? [] : [r.Terminating.ErrorRecord]).DistinctBy(e => e.Exception.Message));
        Assert.Equal("DeviceNotAvailable", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("CPUExecutionProvider", error.Exception.Message);
        var device = pwsh.Run("Get-RmbgDevice").Output.Single();
        Assert.Contains("CPUExecutionProvider", (string[])device.Properties["AvailableProviders"].Value);
    }

    [Fact]
    public void Get_ImageMask_returns_a_mask_to_assert_on_and_writes_a_grey_png()
    {
        // Red square on black: the synthetic model's subject.
        var r = pwsh.Run("Get-ImageMask -LiteralPath $args[0] -Model $args[1] -OutputPath $args[2] -Threshold 0.5", Path.Combine(photos, "a.png"), model, Dir("masks"));
        Assert.Empty(r.Errors);
        dynamic mask = r.Output.Single();
        Assert.Equal(451, (int)mask.Width);
        var bytes = (byte[])((PSObject)mask).BaseObject.GetType().GetMethod("GetAlphaBytes")!.Invoke(((PSObject)mask).BaseObject, null)!;
        Assert.Equal(451 * 300, bytes.Length);
        Assert.All(bytes, b => Assert.True(b is 0 or 255));
        var png = File.ReadAllBytes(Path.Combine(Dir("masks"), "a.mask.png"));
        Assert.Equal(8, png[24]);  // IHDR bit depth
        Assert.Equal(0, png[25]);  // IHDR colour type 0: greyscale
    }

    [Fact]
    public void Stopping_a_batch_ends_it_early_and_leaves_no_partial_files()
    {
        var many = Dir("many");
        Directory.CreateDirectory(many);
        for (var i = 0; i < 20; i++)
            File.Copy(TestAssets.Photo("astronaut.png"), Path.Combine(many, $"p{i:00}.png"));
        var outFolder = Dir("out");
        int Outputs() => Directory.Exists(outFolder) ? Directory.GetFiles(outFolder, "*.nobg.png").Length : 0;

        // The real model: about a second an image, time enough to stop mid-batch as Ctrl+C would.
        using var ps = pwsh.Prepare("Get-ChildItem -LiteralPath $args[0] | Remove-ImageBackground -OutputPath $args[1] -Model $args[2]",
            many, outFolder, TestAssets.IsnetModelPath);
        var runner = new PowerShellHost.BackgroundInvocation(ps);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        // Stopped once a result is out: a file whose result was not yet written when the stop came is deleted.
        while (runner.Output.Count == 0 && runner.IsRunning && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        Assert.True(runner.IsRunning, $"the batch ended before it could be stopped ({Outputs()} outputs, {runner.Failure?.Message})");
        ps.Stop();
        Assert.True(runner.Join(TimeSpan.FromSeconds(30)), "the stop was not honoured");

        Assert.True(runner.Failure is null or PipelineStoppedException, runner.Failure?.ToString());
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.InRange(Outputs(), 1, 5);
        Assert.Equal(runner.Output.Count, Outputs()); // every file left has its result object, and no more
        Assert.Empty(TempFiles(outFolder));
        foreach (var written in Directory.GetFiles(outFolder, "*.nobg.png")) // only complete files: each ends with PNG's IEND chunk
            Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(written)[^8..^4]));
    }

    [Theory]
    [InlineData("tests/Common.ps1")]
    [InlineData("tests/Invoke-RmbgPester.ps1")]
    [InlineData("build.ps1")]
    [InlineData("docs/make-readme-pictures.ps1")]
    public void The_PowerShell_scripts_parse(string relative)
    {
        Parser.ParseFile(Path.Combine(TestAssets.RepoRoot, relative), out _, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"));
    }
}
