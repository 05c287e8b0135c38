using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>
/// A disk that fills up mid-batch must give each file an ordinary error, never end the process: an exception
/// thrown inside a native encoder's write callback cannot be caught, and took PowerShell down with it.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly ModelSession session;
    private readonly string input;

    public FullDiskTests()
    {
        session = new ModelSession(new ModelLocation(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed()), "test"), new EngineSettings(), ExecutionDevice.Cpu);
        input = TestImages.SavePng(Noise(400, 300), folder.File("noise.png")); // noise: every output is well over the space left
    }

    public void Dispose() => folder.Dispose();

    private static RgbaImage Noise(int width, int height)
    {
        var random = new Random(7);
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
            pixels[i] = 255;
        return new RgbaImage(width, height, pixels, hasTransparency: false); // noisy red: a noisy mask too
    }

    [Theory]
    [InlineData(OutputFormat.Png)]
    [InlineData(OutputFormat.WebP)]
    [InlineData(OutputFormat.Jpeg)]
    public void Each_write_to_a_full_disk_fails_alone_and_leaves_nothing(OutputFormat format)
    {
        using var disk = new SmallFileSystem(kilobytes: 1024);
        disk.FillLeaving(16 * 1024);
        var options = new CutoutOptions { Format = format, Quality = 100, BackgroundColor = format == OutputFormat.Jpeg ? BackgroundColor.Parse("white") : null };

        for (var i = 0; i < 3; i++) // the second write into a full disk is the one that used to abort the process
        {
            var output = Path.Combine(disk.Root, $"noise{i}.nobg.{format}");
            var e = Assert.Throws<FileException>(() => BackgroundRemoval.RemoveBackground(session, input, output, false,
                MaskOptions.Default, MaskDetail.Standard, options, ImageLimits.DefaultMaxPixels, CancellationToken.None));
            Assert.Equal(FileErrorKind.WriteFailed, e.Kind);
            Assert.Contains(output, e.Message);
            Assert.Contains("space", e.Message);
        }
        Assert.Equal(["filler"], Directory.GetFileSystemEntries(disk.Root).Select(Path.GetFileName));

        File.Delete(Path.Combine(disk.Root, "filler"));
        var written = BackgroundRemoval.RemoveBackground(session, input, Path.Combine(disk.Root, $"ok.{format}"), false,
            MaskOptions.Default, MaskDetail.Standard, options, ImageLimits.DefaultMaxPixels, CancellationToken.None);
        Assert.True(new FileInfo(written.OutputPath).Length > 16 * 1024);
    }

    [Fact]
    public void A_mask_written_to_a_full_disk_fails_alone_and_leaves_nothing()
    {
        using var disk = new SmallFileSystem(kilobytes: 1024);
        disk.FillLeaving(1024);
        var mask = BackgroundRemoval.ComputeMask(session, input, new MaskOptions { Blur = 2 }, ImageLimits.DefaultMaxPixels, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            var output = Path.Combine(disk.Root, $"noise{i}.mask.png");
            var e = Assert.Throws<FileException>(() => AtomicFile.Write(output, false, mask.WritePng));
            Assert.Equal(FileErrorKind.WriteFailed, e.Kind);
        }
        Assert.Equal(["filler"], Directory.GetFileSystemEntries(disk.Root).Select(Path.GetFileName));
    }
}
