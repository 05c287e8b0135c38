using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Registering, listing, defaults, uninstalling and completing models in the real PowerShell engine.</summary>
public sealed class ModelStoreCmdletTests : ModelCmdletTestBase
{
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
}
