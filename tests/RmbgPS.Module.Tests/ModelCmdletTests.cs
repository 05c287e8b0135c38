using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Install-, Get-, Uninstall-RmbgModel and Set-RmbgDefaultModel in the real PowerShell engine, with a store
/// of the test's own ($env:RMBG_MODEL_HOME) and a loopback server standing in for Hugging Face and GitHub.
/// </summary>
public sealed class ModelCmdletTests : IDisposable
{
    private const string Token = "hf_ModuleTestSecret42";
    private static readonly string[] Variables = ["RMBG_MODEL_HOME", "RMBG_MODEL", "HF_ENDPOINT", "HF_TOKEN"];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-model-tests", Guid.NewGuid().ToString("N"));
    private readonly string store;
    private readonly byte[] model = SyntheticModel.Build(SyntheticModelSpec.IsnetRed(64));
    private readonly LoopbackHttpServer server;
    private readonly PowerShellHost pwsh = new();
    private volatile bool cutDownloads;

    public ModelCmdletTests()
    {
        store = Path.Combine(root, "store");
        Directory.CreateDirectory(store);
        server = new LoopbackHttpServer(r => r.Path switch
        {
            "/org/red/resolve/main/onnx/model.onnx" or "/files/red.onnx" => ResponsePlan.File(model, r, cutAfter: cutDownloads && r.Header("Range") is null ? model.Length / 2 : null),
            "/slow/red.onnx" => ResponsePlan.File(model, r, cutAfter: 10, stall: TimeSpan.FromSeconds(20)),
            _ when r.Path.StartsWith("/briaai/", StringComparison.Ordinal) => ResponsePlan.Respond(401, "Unauthorized", ("X-Error-Message", "Access to model briaai/RMBG-2.0 is restricted.")),
            _ => ResponsePlan.Respond(404, "Not Found"),
        });
        Environment.SetEnvironmentVariable("RMBG_MODEL_HOME", store);
        Environment.SetEnvironmentVariable("RMBG_MODEL", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.BaseUri.ToString());
        Environment.SetEnvironmentVariable("HF_TOKEN", null);
        var sha = Convert.ToHexString(SHA256.HashData(model)).ToLowerInvariant();
        File.WriteAllText(Path.Combine(store, "catalog.json"), $$"""
            { "models": [
              { "name": "red", "profile": "ISNet", "huggingFaceRepo": "org/red", "license": { "name": "MIT" }, "defaultVariant": "fp32",
                "variants": [
                  { "name": "fp32", "path": "onnx/model.onnx", "size": {{model.Length}}, "sha256": "{{sha}}" },
                  { "name": "wrong", "path": "onnx/model.onnx", "size": {{model.Length}}, "sha256": "{{new string('0', 64)}}" } ] },
              { "name": "nc", "profile": "ISNet", "license": { "name": "Test NC 1.0", "url": "https://example.com/nc", "commercialUse": false },
                "variants": [ { "name": "fp32", "url": "{{server.Url("files/red.onnx")}}", "size": {{model.Length}}, "sha256": "{{sha}}" } ] }
            ] }
            """);
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Run("Set-RmbgDevice -Model ''");
        pwsh.Dispose();
        server.Dispose();
        foreach (var (name, value) in saved)
            Environment.SetEnvironmentVariable(name, value);
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
            secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    private string[] InstalledFiles() => Directory.GetFiles(store, "*.onnx", SearchOption.AllDirectories);

    [Fact]
    public void Install_by_name_downloads_through_HF_ENDPOINT_with_progress_and_a_verbose_account()
    {
        var r = pwsh.Run("Install-RmbgModel red -PassThru -Verbose");

        Assert.Empty(r.Errors);
        var info = Assert.Single(r.Output);
        Assert.Equal("red", info.Properties["Name"].Value);
        Assert.Equal("fp32", info.Properties["Variant"].Value);
        Assert.True((bool)info.Properties["Installed"].Value);
        Assert.Equal(Path.Combine(store, "red", "fp32.onnx"), info.Properties["Path"].Value);
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(store, "red", "fp32.onnx")));
        Assert.Equal("/org/red/resolve/main/onnx/model.onnx", Assert.Single(server.Requests).Path);
        Assert.Contains(r.Verbose, v => v.Contains(server.Url("org/red/resolve/main/onnx/model.onnx").ToString()) && v.Contains("without a token"));
        Assert.Contains(r.Progress, p => p.Activity == "Installing red:fp32" && p.StatusDescription.Contains(" of ") && p.StatusDescription.Contains("MB/s")
                                         && p.PercentComplete == 100 && p.SecondsRemaining == 0);

        var again = pwsh.Run("Install-RmbgModel red -Verbose");
        Assert.Contains(again.Verbose, v => v.Contains("already installed") && v.Contains("-Force"));
        Assert.Single(server.Requests);
    }

    [Fact]
    public void A_non_commercial_licence_must_be_accepted_before_anything_is_fetched()
    {
        var refused = pwsh.Run("Install-RmbgModel nc");
        var error = Assert.Single(refused.Errors);
        Assert.Equal("LicenseNotAccepted", Id(error));
        Assert.Contains("Test NC 1.0", error.Exception.Message);
        Assert.Contains("commercial", error.Exception.Message);
        Assert.Contains("-AcceptLicense", error.Exception.Message);
        Assert.Empty(server.Requests);
        Assert.Empty(InstalledFiles());

        var accepted = pwsh.Run("Install-RmbgModel nc -AcceptLicense -PassThru");
        Assert.Empty(accepted.Errors);
        Assert.Equal("Test NC 1.0", accepted.Output.Single().Properties["License"].Value);
        Assert.Contains("licenseAccepted", File.ReadAllText(Path.Combine(store, "nc", "fp32.json")));
    }

    [Fact]
    public void A_gated_model_refused_with_401_explains_the_token_and_the_token_never_shows()
    {
        var without = pwsh.Run("Install-RmbgModel RMBG-2.0 -Variant fp16 -AcceptLicense");
        var error = Assert.Single(without.Errors);
        Assert.Equal("ModelAccessDenied", Id(error));
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("HF_TOKEN", error.Exception.Message);
        Assert.Contains("huggingface.co/settings/tokens", error.Exception.Message);
        Assert.Null(server.Requests.Last().Header("Authorization"));

        var withParameter = pwsh.Run("Install-RmbgModel RMBG-2.0 -Variant fp16 -AcceptLicense -Token $args[0] -Verbose -Debug", Secure(Token));
        Assert.Equal("ModelAccessDenied", Id(Assert.Single(withParameter.Errors)));
        Assert.Contains("token was refused", withParameter.Errors[0].Exception.Message);
        Assert.Contains(withParameter.Verbose, v => v.Contains("with the -Token"));
        Assert.Equal($"Bearer {Token}", server.Requests.Last().Header("Authorization"));

        Environment.SetEnvironmentVariable("HF_TOKEN", Token);
        var fromEnvironment = pwsh.Run("Install-RmbgModel RMBG-2.0 -AcceptLicense -Verbose");
        Assert.Equal("ModelAccessDenied", Id(Assert.Single(fromEnvironment.Errors)));
        Assert.Contains(fromEnvironment.Verbose, v => v.Contains("$env:HF_TOKEN"));
        Assert.Equal($"Bearer {Token}", server.Requests.Last().Header("Authorization"));
        Assert.Equal("/briaai/RMBG-2.0/resolve/main/onnx/model.onnx", server.Requests.Last().Path);

        foreach (var r in new[] { without, withParameter, fromEnvironment })
            Assert.DoesNotContain(Token, r.AllText);
        foreach (var file in Directory.GetFiles(store, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Token, File.ReadAllText(file));
        Assert.Empty(InstalledFiles());
    }

    [Fact]
    public void The_token_from_the_environment_is_not_sent_to_a_non_Hugging_Face_source()
    {
        Environment.SetEnvironmentVariable("HF_TOKEN", Token);
        var r = pwsh.Run("Install-RmbgModel red -Source $args[0]", server.Url("files/red.onnx").ToString());
        Assert.Empty(r.Errors);
        Assert.Null(Assert.Single(server.Requests).Header("Authorization"));
    }

    [Fact]
    public void Download_failures_have_stable_error_ids_and_leave_nothing_that_looks_installed()
    {
        var missing = pwsh.Run("Install-RmbgModel red -Source $args[0]", server.Url("nowhere/").ToString());
        Assert.Equal("ModelSourceNotFound", Id(Assert.Single(missing.Errors)));
        Assert.Contains("/nowhere/model.onnx", missing.Errors[0].Exception.Message);

        var mismatch = pwsh.Run("Install-RmbgModel red -Variant wrong");
        Assert.Equal("ChecksumMismatch", Id(Assert.Single(mismatch.Errors)));
        Assert.Equal(ErrorCategory.InvalidData, mismatch.Errors[0].CategoryInfo.Category);

        var insecure = pwsh.Run("Install-RmbgModel red -Source http://models.example.com/red.onnx");
        Assert.Equal("InsecureSource", Id(Assert.Single(insecure.Errors)));

        var slow = pwsh.Run("Install-RmbgModel red -Source $args[0] -TimeoutSec 1 -MaximumRetryCount 0", server.Url("slow/red.onnx").ToString());
        Assert.Equal("DownloadTimedOut", Id(Assert.Single(slow.Errors)));
        Assert.Equal(ErrorCategory.OperationTimeout, slow.Errors[0].CategoryInfo.Category);

        Assert.Empty(InstalledFiles());
        Assert.Empty(pwsh.Run("Get-RmbgModel -Installed").Output);
    }

    [Fact]
    public void A_cut_download_is_an_error_then_resumes_on_the_next_install()
    {
        cutDownloads = true;
        var first = pwsh.Run("Install-RmbgModel red -MaximumRetryCount 0");
        Assert.Equal("DownloadFailed", Id(Assert.Single(first.Errors)));
        Assert.Empty(InstalledFiles());
        Assert.True(File.Exists(Path.Combine(store, "red", "fp32.onnx.partial")));

        var second = pwsh.Run("Install-RmbgModel red -PassThru -Verbose");
        Assert.Empty(second.Errors);
        Assert.Contains(second.Verbose, v => v.Contains("resuming"));
        Assert.StartsWith("bytes=", server.Requests.Last().Header("Range"));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(store, "red", "fp32.onnx")));
        Assert.False(File.Exists(Path.Combine(store, "red", "fp32.onnx.partial")));
    }

    [Fact]
    public void Uninstall_also_deletes_an_interrupted_download()
    {
        cutDownloads = true;
        pwsh.Run("Install-RmbgModel red -MaximumRetryCount 0");
        Assert.True(File.Exists(Path.Combine(store, "red", "fp32.onnx.partial")));
        var r = pwsh.Run("Uninstall-RmbgModel red -Verbose");
        Assert.Empty(r.Errors);
        Assert.Contains(r.Verbose, v => v.Contains("interrupted download"));
        Assert.False(Directory.Exists(Path.Combine(store, "red")));
    }

    [Fact]
    public void The_real_ISNet_model_registered_with_Path_is_used_by_name_and_becomes_the_default()
    {
        var photo = TestAssets.Photo("chelsea.png");
        var r = pwsh.Run("Install-RmbgModel -Path $args[0] -Name isnet-test -PassThru", TestAssets.IsnetModelPath);
        Assert.Empty(r.Errors);
        var info = r.Output.Single();
        Assert.Equal("ISNet", info.Properties["Profile"].Value);
        Assert.Equal("custom", info.Properties["Variant"].Value);
        Assert.Equal(TestAssets.IsnetModelPath, info.Properties["Source"].Value);
        Assert.True((bool)info.Properties["IsDefault"].Value, "the only installed model is the one used without -Model");

        var cut = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -OutputPath $args[1] -Model isnet-test", photo, Path.Combine(root, "out"));
        Assert.Empty(cut.Errors);
        var result = cut.Output.Single();
        Assert.Equal("isnet-test:custom", result.Properties["Model"].Value);
        Assert.Equal("ISNet", result.Properties["Profile"].Value);
        Assert.InRange((double)result.Properties["ForegroundRatio"].Value, 0.2, 0.8);

        var byDefault = pwsh.Run("Get-ImageMask -LiteralPath $args[0]", photo).Output.Single();
        Assert.Equal("isnet-test:custom", byDefault.Properties["Model"].Value);

        var duplicate = pwsh.Run("Install-RmbgModel -Path $args[0] -Name isnet-test", TestAssets.IsnetModelPath);
        Assert.Equal("ModelAlreadyInstalled", Id(Assert.Single(duplicate.Errors)));
    }

    [Fact]
    public void Get_RmbgModel_lists_the_catalog_and_the_store_and_filters()
    {
        pwsh.Run("Install-RmbgModel red");
        var all = pwsh.Run("Get-RmbgModel").Output;
        Assert.Contains(all, m => (string)m.Properties["Name"].Value == "RMBG-2.0" && (string)m.Properties["Variant"].Value == "fp16"
                                  && !(bool)m.Properties["Installed"].Value && (bool)m.Properties["Gated"].Value && (long?)m.Properties["Size"].Value == 513576499);
        Assert.Contains(all, m => (string)m.Properties["Name"].Value == "BiRefNet-lite" && (string)m.Properties["License"].Value == "MIT");
        var fp16 = all.Single(m => (string)m.Properties["Reference"].Value == "RMBG-2.0:fp16");
        Assert.Equal(server.Url("briaai/RMBG-2.0/resolve/main/onnx/model_fp16.onnx").ToString(), fp16.Properties["Url"].Value);
        Assert.Equal("9dc47db40d113090ba5d7a13d8fcfd9ee4eda510ce92613219b2fe19da4746f6", fp16.Properties["Sha256"].Value);

        var installed = pwsh.Run("Get-RmbgModel -Installed").Output;
        var red = Assert.Single(installed);
        Assert.Equal("red:fp32", red.Properties["Reference"].Value);
        Assert.True((bool)red.Properties["IsDefault"].Value);

        Assert.Equal(4, pwsh.Run("Get-RmbgModel rmbg-2*").Output.Count);
        var none = pwsh.Run("Get-RmbgModel no-such-model");
        Assert.Equal("ModelNotFound", Id(Assert.Single(none.Errors)));
        Assert.Empty(pwsh.Run("Get-RmbgModel zz*").Errors);
    }

    [Fact]
    public void The_default_model_is_kept_for_the_user_or_set_for_the_process()
    {
        pwsh.Run("Install-RmbgModel red; Install-RmbgModel nc -AcceptLicense");
        var set = pwsh.Run("Set-RmbgDefaultModel red -PassThru");
        Assert.Empty(set.Errors);
        Assert.True((bool)set.Output.Single().Properties["IsDefault"].Value);
        Assert.Contains("\"red\"", File.ReadAllText(Path.Combine(store, "settings.json")));
        Assert.Equal("red:fp32", pwsh.Run("Get-RmbgModel -Installed | Where-Object IsDefault").Output.Single().Properties["Reference"].Value);

        pwsh.Run("Set-RmbgDefaultModel nc -Scope Process");
        Assert.Equal("nc:fp32", pwsh.Run("Get-RmbgModel -Installed | Where-Object IsDefault").Output.Single().Properties["Reference"].Value);
        Assert.Contains("\"red\"", File.ReadAllText(Path.Combine(store, "settings.json")));
        pwsh.Run("Set-RmbgDefaultModel -Clear -Scope Process");
        Assert.Equal("red:fp32", pwsh.Run("Get-RmbgModel -Installed | Where-Object IsDefault").Output.Single().Properties["Reference"].Value);

        var missing = pwsh.Run("Set-RmbgDefaultModel RMBG-2.0");
        Assert.Equal("ModelNotInstalled", Id(Assert.Single(missing.Errors)));
        Assert.Contains("Install-RmbgModel RMBG-2.0", missing.Errors[0].Exception.Message);

        pwsh.Run("Set-RmbgDefaultModel -Clear -WhatIf");
        Assert.Contains("\"red\"", File.ReadAllText(Path.Combine(store, "settings.json")));
        pwsh.Run("Set-RmbgDefaultModel -Clear");
        Assert.DoesNotContain("\"red\"", File.ReadAllText(Path.Combine(store, "settings.json")));
    }

    [Fact]
    public void Uninstall_honours_WhatIf_removes_the_files_and_drops_a_default_it_removes()
    {
        pwsh.Run("Install-RmbgModel red; Set-RmbgDefaultModel red");
        pwsh.Run("Uninstall-RmbgModel red -WhatIf");
        Assert.Single(InstalledFiles());

        var r = pwsh.Run("Get-RmbgModel red -Installed | Uninstall-RmbgModel -Verbose");
        Assert.Empty(r.Errors);
        Assert.Empty(InstalledFiles());
        Assert.False(Directory.Exists(Path.Combine(store, "red")));
        Assert.Contains(r.Warnings, w => w.Contains("default"));
        Assert.Contains(r.Verbose, v => v.Contains("Uninstalled red:fp32"));

        var again = pwsh.Run("Uninstall-RmbgModel red");
        Assert.Equal("ModelNotInstalled", Id(Assert.Single(again.Errors)));
    }

    [Fact]
    public void Piped_models_uninstall_exactly_what_was_piped_and_skip_what_is_not_installed()
    {
        File.WriteAllBytes(Path.Combine(store, "mine.onnx"), model);
        Directory.CreateDirectory(Path.Combine(store, "mine"));
        File.WriteAllBytes(Path.Combine(store, "mine", "custom.onnx"), model);
        pwsh.Run("Install-RmbgModel red");

        var bare = pwsh.Run("Get-RmbgModel mine -Installed | Where-Object Variant -EQ '' | Uninstall-RmbgModel");
        Assert.Empty(bare.Errors);
        Assert.False(File.Exists(Path.Combine(store, "mine.onnx")));
        Assert.True(File.Exists(Path.Combine(store, "mine", "custom.onnx")));

        var catalogRows = pwsh.Run("Get-RmbgModel red | Uninstall-RmbgModel");
        Assert.Empty(catalogRows.Errors);
        Assert.Equal([Path.Combine(store, "mine", "custom.onnx")], InstalledFiles());
    }

    [Fact]
    public void A_malformed_HF_ENDPOINT_is_a_clear_error_and_does_not_break_listing()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", "hf-mirror.example");
        var r = pwsh.Run("Install-RmbgModel red");
        Assert.Equal("InvalidSource", Id(Assert.Single(r.Errors)));
        Assert.Contains("HF_ENDPOINT", r.Errors[0].Exception.Message);
        var listed = pwsh.Run("Get-RmbgModel red");
        Assert.Empty(listed.Errors);
        Assert.Null(listed.Output.First().Properties["Url"].Value);
    }

    [Fact]
    public void Model_names_complete_on_tab()
    {
        pwsh.Run("Install-RmbgModel red");
        string[] Complete(string input) => pwsh.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null).CompletionMatches.CompletionText", input)
            .Output.Select(o => o.ToString()!).ToArray();

        Assert.Equal(["red", "red:fp32"], Complete("Remove-ImageBackground x.png -Model r"));
        Assert.Contains("red", Complete("Set-RmbgDevice -Model "));
        Assert.Equal(["RMBG-1.4", "RMBG-2.0"], Complete("Install-RmbgModel RMBG"));
        Assert.Equal(["fp16", "fp32", "int8", "q4f16"], Complete("Install-RmbgModel RMBG-2.0 -Variant "));
        Assert.Equal(["red", "red:fp32"], Complete("Uninstall-RmbgModel "));
    }

    [Fact]
    public void Stopping_a_download_ends_it_promptly_and_installs_nothing()
    {
        using var ps = pwsh.Prepare("Install-RmbgModel red -Source $args[0] -TimeoutSec 600", server.Url("slow/red.onnx").ToString());
        var runner = new PowerShellHost.BackgroundInvocation(ps);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.Requests.Count == 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        Thread.Sleep(200); // the server has sent its first bytes and gone silent
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(runner.Join(TimeSpan.FromSeconds(10)), "the stop was not honoured");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.True(runner.Failure is null or PipelineStoppedException, runner.Failure?.ToString());
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Empty(InstalledFiles());
    }

    [Fact]
    public void Install_WhatIf_fetches_nothing()
    {
        pwsh.Run("Install-RmbgModel red -WhatIf");
        Assert.Empty(server.Requests);
        Assert.Empty(InstalledFiles());
    }
}
