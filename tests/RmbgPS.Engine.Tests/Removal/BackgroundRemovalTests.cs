using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Removal;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests;

/// <summary>File in, file out: the cut-out, and every way a file can be bad.</summary>
public sealed class BackgroundRemovalTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly ModelSession session;

    public BackgroundRemovalTests()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed());
        session = new ModelSession(new ModelLocation(model, "test"), new EngineSettings(), ExecutionDevice.Cpu);
    }

    public void Dispose() => folder.Dispose();

    private RemovalOutcome Remove(string input, string output, bool overwrite = false, long maxPixels = ImageLimits.DefaultMaxPixels) =>
        BackgroundRemoval.RemoveBackground(session, input, output, overwrite, MaskOptions.Default, MaskDetail.Standard, CutoutOptions.Default, maxPixels, CancellationToken.None);

    [Fact]
    public void An_8000x6000_photo_goes_through_every_stage_within_bounded_memory()
    {
        // 48 MP: the RGBA picture alone is 183 MB. Soft edges all round a large subject, refined, cropped,
        // put on white and written as JPEG.
        const int w = 8000, h = 6000;
        var source = TestImages.RedSquare(w, h, 1000, 1000, 6000, 4000);
        var input = TestImages.SaveJpeg(source, folder.File("huge.jpg"), quality: 80);
        source = null;
        GC.Collect();
        var options = new CutoutOptions { Foreground = ForegroundMethod.MultiLevel, Crop = true, Padding = 10, BackgroundColor = BackgroundColor.Parse("white"), Format = OutputFormat.Jpeg };
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var outcome = BackgroundRemoval.RemoveBackground(session, input, folder.File("huge.nobg.jpg"), false, new MaskOptions { Blur = 3 }, MaskDetail.Standard, options, ImageLimits.DefaultMaxPixels, CancellationToken.None);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var rgbaBytes = 4L * w * h;
        Assert.Equal((w, h), (outcome.Width, outcome.Height));
        Assert.InRange(outcome.OutputWidth, 6020, 6060); // the 6000-pixel block, its feathered edge and 2 x 10 of padding
        Assert.InRange(outcome.OutputHeight, 4020, 4060);
        // Decoded picture, mask, cut-out, crop and the estimator's strips: a few picture sizes, never per-pixel floats of the whole.
        Assert.True(allocated < 4.5 * rgbaBytes, $"allocated {allocated / 1048576} MB for a {rgbaBytes / 1048576} MB picture");
    }

    [Fact]
    public void An_output_the_format_cannot_hold_is_refused_before_the_model_runs()
    {
        var wide = TestImages.SavePng(TestImages.RedSquare(17000, 8, 0, 0, 10, 8), folder.File("wide.png"));
        var e = Assert.Throws<FileException>(() => BackgroundRemoval.RemoveBackground(session, wide, folder.File("wide.nobg.webp"), false,
            MaskOptions.Default, MaskDetail.Standard, new CutoutOptions { Format = OutputFormat.WebP }, ImageLimits.DefaultMaxPixels, CancellationToken.None));
        Assert.Equal(FileErrorKind.ImageTooLarge, e.Kind);
        Assert.Contains("WebP stores at most 16383", e.Message);

        var small = TestImages.SavePng(TestImages.RedSquare(100, 100, 10, 10, 80, 80), folder.File("small.png"));
        var padded = Assert.Throws<FileException>(() => BackgroundRemoval.RemoveBackground(session, small, folder.File("small.nobg.png"), false,
            MaskOptions.Default, MaskDetail.Standard, new CutoutOptions { Crop = true, Padding = 600, PadBeyondFrame = true }, maxPixels: 1_000_000, CancellationToken.None));
        Assert.Contains("-Padding", padded.Message);
        Assert.Empty(folder.TempFiles());
        Assert.False(File.Exists(folder.File("small.nobg.png")));
    }

    [Fact]
    public void JPEG_without_an_opaque_background_is_refused_from_the_options_alone()
    {
        // The input does not even exist: the options are refused before any file is touched.
        var e = Assert.Throws<OptionException>(() => BackgroundRemoval.RemoveBackground(session, folder.File("none.png"), folder.File("none.nobg.jpg"), false,
            MaskOptions.Default, MaskDetail.Standard, new CutoutOptions { Format = OutputFormat.Jpeg, BackgroundColor = BackgroundColor.Parse("#ffffff80") }, ImageLimits.DefaultMaxPixels, CancellationToken.None));
        Assert.Contains("opaque", e.Message);
        Assert.Equal(OptionProblem.JpegNeedsBackground, e.Problem);
        Assert.False(File.Exists(folder.File("none.nobg.jpg")));
    }

    [Fact]
    public void The_cutout_keeps_colours_and_takes_the_mask_as_alpha()
    {
        var source = TestImages.RedSquare(300, 200, 100, 50, 100, 100);
        for (var i = 0; i < source.Pixels.Length; i += 4)
            source.Pixels[i + 2] = 77; // blue everywhere, which the model ignores
        var input = TestImages.SavePng(source, folder.File("square.png"));
        var output = folder.File("square.nobg.png");

        var outcome = Remove(input, output);
        var cut = ImageDecoder.Decode(output);

        Assert.Equal((300, 200), (cut.Width, cut.Height));
        Assert.Equal((300, 200), (outcome.Width, outcome.Height));
        var centre = (120 * 300 + 150) * 4;
        Assert.Equal(new byte[] { 255, 0, 77, 255 }, cut.Pixels[centre..(centre + 4)]);
        var corner = (5 * 300 + 5) * 4;
        // Fully transparent pixels are transparent black (as rembg writes them): the hidden colour only made
        // files larger and slower to encode. Partly transparent ones keep their (straight) colour.
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, cut.Pixels[corner..(corner + 4)]);
        var soft = Enumerable.Range(0, 300 * 200).Select(i => i * 4).First(p => cut.Pixels[p + 3] is > 20 and < 235);
        Assert.Equal(77, cut.Pixels[soft + 2]);
        Assert.Equal(new MaskBounds(100, 50, 100, 100), outcome.Bounds);
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void Transparent_input_pixels_stay_transparent()
    {
        var source = TestImages.RedSquare(64, 64, 0, 0, 64, 64); // all subject for the model
        for (var x = 0; x < 64; x++)
            source.Pixels[(10 * 64 + x) * 4 + 3] = 0; // row 10 fully transparent
        var image = new RgbaImage(64, 64, source.Pixels, hasTransparency: true);
        var input = TestImages.SavePng(image, folder.File("holes.png"));

        Remove(input, folder.File("holes.nobg.png"));
        var cut = ImageDecoder.Decode(folder.File("holes.nobg.png"));
        Assert.Equal(0, cut.Pixels[(10 * 64 + 30) * 4 + 3]);
        Assert.Equal(255, cut.Pixels[(30 * 64 + 30) * 4 + 3]);
    }

    [Fact]
    public void Jpeg_input_works()
    {
        var input = TestImages.SaveJpeg(TestImages.RedSquare(320, 240, 80, 60, 160, 120), folder.File("photo.jpg"));
        var outcome = Remove(input, folder.File("photo.nobg.png"));
        Assert.InRange(outcome.ForegroundRatio, 0.2, 0.3);
    }

    [Fact]
    public void An_existing_output_is_kept_unless_overwrite_is_asked()
    {
        var input = TestImages.SavePng(TestImages.RedSquare(40, 40, 0, 0, 20, 20), folder.File("a.png"));
        var output = folder.File("a.nobg.png");
        File.WriteAllText(output, "precious");

        var e = Assert.Throws<FileException>(() => Remove(input, output));
        Assert.Equal(FileErrorKind.OutputExists, e.Kind);
        Assert.Contains("-Force", e.Message);
        Assert.Equal("precious", File.ReadAllText(output));

        Remove(input, output, overwrite: true);
        Assert.Equal(40, ImageDecoder.Decode(output).Width);
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void The_input_is_never_overwritten()
    {
        var input = TestImages.SavePng(TestImages.RedSquare(40, 40, 0, 0, 20, 20), folder.File("b.png"));
        var before = File.ReadAllBytes(input);
        var e = Assert.Throws<FileException>(() => Remove(input, input, overwrite: true));
        Assert.Equal(FileErrorKind.OutputIsInput, e.Kind);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    public static TheoryData<string, FileErrorKind> BadFiles => new()
    {
        { "missing", FileErrorKind.FileNotFound },
        { "empty", FileErrorKind.NotAnImage },
        { "text", FileErrorKind.NotAnImage },
        { "truncated", FileErrorKind.TruncatedImage },
        { "corrupt", FileErrorKind.CorruptImage },
        { "huge", FileErrorKind.ImageTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_a_clear_error_naming_it_and_leaves_nothing_behind(string kind, FileErrorKind expected)
    {
        var path = MakeBadFile(kind);
        var output = folder.File(kind + ".nobg.png");
        var e = Assert.Throws<FileException>(() => Remove(path, output, maxPixels: kind == "huge" ? 10_000 : ImageLimits.DefaultMaxPixels));
        Assert.Equal(expected, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.False(File.Exists(output));
        Assert.Empty(folder.TempFiles());
    }

    private string MakeBadFile(string kind)
    {
        var path = folder.File(kind + ".png");
        var good = () =>
        {
            using var stream = new MemoryStream();
            ImageEncoder.WritePng(stream, TestImages.RedGradient(400, 300));
            return stream.ToArray();
        };
        switch (kind)
        {
            case "missing":
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "text":
                File.WriteAllText(path, "Dear diary, today I renamed a text file to .png.");
                break;
            case "truncated":
                var bytes = good();
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "corrupt":
                // Garbage in the middle of the compressed pixel data: the header reads, the data does not.
                var png = good();
                var random = new Random(3);
                for (var i = png.Length / 3; i < png.Length / 3 + 200; i++)
                    png[i] = (byte)random.Next(256);
                File.WriteAllBytes(path, png);
                break;
            case "huge":
                File.WriteAllBytes(path, good());
                break;
        }
        return path;
    }
}
