using System.Runtime.InteropServices;

namespace RmbgPS.Tests;

/// <summary>
/// Users run many modules in one session, and most still ship SkiaSharp 2.88. The module must import and work
/// when such a SkiaSharp was loaded first, and must not break it when it is loaded afterwards.
/// </summary>
public sealed class DependencyIsolationTests
{
    private const string OldSkiaVersion = "2.88.9";

    // $args: the old SkiaSharp.dll, the module manifest, the model, a photo, and which goes first.
    private const string Script = """
        param($OldSkia, $Manifest, $Model, $Photo, $Order)
        $ErrorActionPreference = 'Stop'
        function Use-OldSkia {
            $bitmap = [SkiaSharp.SKBitmap]::new(8, 8)
            $png = $bitmap.Encode([SkiaSharp.SKEncodedImageFormat]::Png, 100)
            "old skia $([SkiaSharp.SkiaSharpVersion]::Native) encoded $($png.Size) bytes"
        }
        function Use-Module {
            $mask = Get-ImageMask -LiteralPath $Photo -Model $Model
            "mask $($mask.Width)x$($mask.Height) ratio $($mask.ForegroundRatio)"
        }
        if ($Order -eq 'SkiaFirst') {
            Add-Type -Path $OldSkia; Use-OldSkia
            Import-Module $Manifest; Use-Module
            Use-OldSkia
        } else {
            Import-Module $Manifest; Use-Module
            Add-Type -Path $OldSkia; Use-OldSkia
            Use-Module
        }
        [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SkiaSharp' } |
            ForEach-Object { "loaded SkiaSharp $($_.GetName().Version) in $([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" }
        """;

    [Theory]
    [InlineData("SkiaFirst")]
    [InlineData("ModuleFirst")]
    public void The_module_and_another_SkiaSharp_work_side_by_side(string order)
    {
        var oldSkia = OldSkiaFolder();
        var r = PwshProcess.RunScript(Script,
            [Path.Combine(oldSkia, "SkiaSharp.dll"), PowerShellHost.ModuleManifest, TestAssets.IsnetModelPath, TestAssets.Photo("chelsea.png"), order],
            TimeSpan.FromMinutes(3));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("mask 451x300 ratio 0.7", r.Output);
        Assert.Contains($"old skia 88.1 encoded", r.Output);
        Assert.Contains("loaded SkiaSharp 2.88.0.0 in Default", r.Output);
        Assert.Contains("loaded SkiaSharp 4.155.0.0 in RmbgPS.Engine", r.Output);
        if (order == "ModuleFirst")
            Assert.Equal(2, r.Output.Split('\n').Count(line => line.StartsWith("mask 451x300", StringComparison.Ordinal)));
    }

    /// <summary>SkiaSharp 2.88 with its Linux native library beside it, where .NET's default probing finds it.</summary>
    private static string OldSkiaFolder()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("This test uses the Linux native assets of SkiaSharp 2.88.");
        var packages = PwshProcess.NuGetPackagesRoot;
        var rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var folder = Path.Combine(Path.GetTempPath(), $"rmbgps-skia-{OldSkiaVersion}-{rid}");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(packages, "skiasharp", OldSkiaVersion, "lib", "net6.0", "SkiaSharp.dll"), Path.Combine(folder, "SkiaSharp.dll"), overwrite: true);
        File.Copy(Path.Combine(packages, "skiasharp.nativeassets.linux.nodependencies", OldSkiaVersion, "runtimes", rid, "native", "libSkiaSharp.so"),
            Path.Combine(folder, "libSkiaSharp.so"), overwrite: true);
        return folder;
    }
}
