using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Install-RmbgModel against a loopback server standing in for Hugging Face and GitHub: progress, licences, tokens, failures, resume, stop, -WhatIf.</summary>
public sealed class InstallRmbgModelTests : ModelCmdletTestBase
{
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

        Assert.Contains(r.Information, line => line.StartsWith("red is licensed under", StringComparison.Ordinal)); // said in one line, as Write-Host says
        Assert.Empty(r.Warnings);

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
        var said = Assert.Single(accepted.Warnings); // which licence was accepted, in one line
        Assert.Contains("Test NC 1.0", said);
        Assert.Contains("Accepted with -AcceptLicense", said);
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

        var withParameter = pwsh.Run("Install-RmbgModel RMBG-2.0 -Variant fp16 -AcceptLicense -Token $args[0] -Verbose -Debug -WarningAction Continue", Secure(Token));
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
