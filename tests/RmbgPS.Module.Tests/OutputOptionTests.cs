using System.Management.Automation;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Remove-ImageBackground's output options and the mask shaping of both cmdlets, with a synthetic model whose
/// subject is exactly the red in the picture: a 60x40 picture, black, with a red 20x10 block at (20,15).
/// </summary>
public sealed class OutputOptionTests : IDisposable
{
    private readonly PowerShellHost pwsh = new();
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-option-tests", Guid.NewGuid().ToString("N"));
    private readonly string model;
    private readonly string picture;

    public OutputOptionTests()
    {
        Directory.CreateDirectory(root);
        model = SyntheticModel.Write(Path.Combine(root, "red.onnx"), SyntheticModelSpec.IsnetRed(64));
        var rgba = new byte[60 * 40 * 4];
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < 60; x++)
            {
                var i = (y * 60 + x) * 4;
                rgba[i] = x is >= 20 and < 40 && y is >= 15 and < 25 ? (byte)255 : (byte)0;
                rgba[i + 3] = 255;
            }
        picture = Path.Combine(root, "block.png");
        File.WriteAllBytes(picture, PngFile.Rgba(60, 40, rgba));
    }

    public void Dispose()
    {
        pwsh.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private PowerShellHost.Result Remove(string options, params object[] more) =>
        pwsh.Run($"Remove-ImageBackground -LiteralPath $args[0] -Model $args[1] -OutputPath $args[2] {options}", [picture, model, Path.Combine(root, "out"), .. more]);

    private static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>The one error a refused call gives (a terminating error lands in the error stream of a script that goes on).</summary>
    private static ErrorRecord Refusal(PowerShellHost.Result r)
    {
        var error = Assert.Single(r.Errors.Concat(r.Terminating is null ? [] : [r.Terminating.ErrorRecord]).DistinctBy(e => e.Exception.Message));
        Assert.Empty(r.Output);
        return error;
    }

    private byte[] Mask(string options) =>
        (byte[])pwsh.Run($",(Get-ImageMask -LiteralPath $args[0] -Model $args[1] {options}).GetAlphaBytes()", picture, model).Output.Single().BaseObject;

    [Fact]
    public void A_colour_background_allows_JPEG_and_the_extension_follows_the_format()
    {
        var r = Remove("-BackgroundColor white -Format Jpeg");
        Assert.Empty(r.Errors);
        var result = r.Output.Single();
        Assert.Equal("Jpeg", result.Properties["Format"].Value);
        var path = (string)result.Properties["OutputPath"].Value;
        Assert.EndsWith("block.nobg.jpg", path);
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(path)[..2]);
    }

    [Fact]
    public void JPEG_without_an_opaque_background_is_refused_before_any_work()
    {
        var r = Remove("-Format Jpeg");
        Assert.Equal("JpegNeedsBackground", Id(Refusal(r)));
        Assert.Contains("-BackgroundColor", Refusal(r).Exception.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "out")));
        Assert.Equal("JpegNeedsBackground", Id(Refusal(Remove("-Format Jpeg -BackgroundColor '#ffffff80'"))));
    }

    [Fact]
    public void An_output_file_name_picks_the_format_and_WebP_keeps_alpha()
    {
        var file = Path.Combine(root, "cut.webp");
        var r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -Model $args[1] -OutputPath $args[2]", picture, model, file);
        Assert.Empty(r.Errors);
        Assert.Equal("WebP", r.Output.Single().Properties["Format"].Value);
        var bytes = File.ReadAllBytes(file);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));

        var mismatch = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -Model $args[1] -OutputPath $args[2] -Format Png", picture, model, Path.Combine(root, "x.webp"));
        Assert.Equal("FormatMismatch", Id(Refusal(mismatch)));
    }

    [Fact]
    public void Crop_with_padding_sizes_the_output_to_the_subject()
    {
        var r = Remove("-Crop -Padding 5");
        Assert.Empty(r.Errors);
        var result = r.Output.Single();
        Assert.Equal((60, 40), ((int)result.Properties["Width"].Value, (int)result.Properties["Height"].Value));
        var (w, h) = ((int)result.Properties["OutputWidth"].Value, (int)result.Properties["OutputHeight"].Value);
        Assert.InRange(w, 28, 32); // the 20-pixel block (give or take the soft edge) and 2 x 5 of padding
        Assert.InRange(h, 18, 22);

        Assert.Equal("PaddingWithoutCrop", Id(Refusal(Remove("-Padding 5"))));
        Assert.Equal("PaddingWithoutCrop", Id(Refusal(Remove("-PadBeyondFrame"))));
    }

    [Fact]
    public void Bad_background_arguments_are_clear_terminating_errors()
    {
        Assert.Equal("InvalidBackgroundColor", Id(Refusal(Remove("-BackgroundColor nope"))));
        Assert.Equal("InvalidBackgroundImage", Id(Refusal(Remove("-BackgroundImage $args[3]", Path.Combine(root, "missing.png")))));
    }

    [Fact]
    public void An_opaque_background_picture_or_a_clear_one_over_a_colour_allows_JPEG()
    {
        var r = Remove("-BackgroundImage $args[3] -Format Jpeg", TestAssets.Photo("chelsea.png"));
        Assert.Empty(r.Errors);
        Assert.EndsWith(".jpg", (string)r.Output.Single().Properties["OutputPath"].Value);

        var clear = Path.Combine(root, "clear.png");
        File.WriteAllBytes(clear, PngFile.Rgba(4, 4, new byte[4 * 4 * 4]));
        Assert.Equal("JpegNeedsBackground", Id(Refusal(Remove("-BackgroundImage $args[3] -Format Jpeg", clear))));
        var withColour = Remove("-BackgroundImage $args[3] -BackgroundColor white -Format Jpeg -Force", clear);
        Assert.Empty(withColour.Errors);
    }

    [Fact]
    public void The_background_picture_is_never_overwritten()
    {
        var background = Path.Combine(root, "bg.png");
        File.Copy(picture, background);
        var before = File.ReadAllBytes(background);
        var r = pwsh.Run("Remove-ImageBackground -LiteralPath $args[0] -Model $args[1] -OutputPath $args[2] -BackgroundImage $args[2] -Force", picture, model, background);
        Assert.Equal("OutputIsInput", Id(Assert.Single(r.Errors)));
        Assert.Equal(before, File.ReadAllBytes(background));
    }

    [Fact]
    public void Mask_shaping_inverts_grows_and_feathers()
    {
        var plain = Mask("-Threshold 0.5");
        var subject = plain.Count(v => v == 255);
        Assert.InRange(subject, 150, 250); // 20 x 10 = 200, give or take the resampled edge

        var inverted = Mask("-Threshold 0.5 -Invert");
        Assert.All(Enumerable.Range(0, plain.Length), i => Assert.Equal(255 - plain[i], inverted[i]));

        var grown = Mask("-Threshold 0.5 -MaskOffset 3");
        Assert.InRange(grown.Count(v => v == 255), subject + 100, subject + 400);
        var shrunk = Mask("-Threshold 0.5 -MaskOffset -3");
        Assert.InRange(shrunk.Count(v => v == 255), 1, subject - 50);

        var feathered = Mask("-Threshold 0.5 -MaskBlur 2");
        Assert.InRange(feathered.Count(v => v is > 10 and < 245), 40, 600);
        Assert.InRange(feathered.Sum(v => (double)v) / plain.Sum(v => (double)v), 0.9, 1.1); // blurring moves alpha, it does not add any
    }

    [Fact]
    public void An_animated_GIF_is_processed_with_a_warning()
    {
        var gif = Path.Combine(root, "anim.gif");
        File.WriteAllBytes(gif, GifFile.Animated());
        var r = pwsh.Run("Get-ImageMask -LiteralPath $args[0] -Model $args[1]", gif, model);
        Assert.Empty(r.Errors);
        Assert.Contains(r.Warnings, w => w.Contains("animated") && w.Contains("first frame"));
    }
}
