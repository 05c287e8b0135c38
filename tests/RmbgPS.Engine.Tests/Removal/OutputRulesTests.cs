using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests.Removal;

/// <summary>The rules of what a run may write, and the mask entry beside RemoveBackground, in the engine where the cmdlets ask them.</summary>
public sealed class OutputRulesTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_output_may_be_neither_the_input_nor_the_background_picture_nor_an_existing_file_without_overwrite()
    {
        var input = TestImages.SavePng(TestImages.RedSquare(8, 8, 0, 0, 4, 4), folder.File("in.png"));
        var pictureFile = TestImages.SavePng(TestImages.RedSquare(8, 8, 0, 0, 8, 8), folder.File("beach.png"));
        var options = new CutoutOptions { BackgroundPicture = BackgroundPicture.Load(pictureFile, ImageLimits.DefaultMaxPixels) };

        Assert.Equal(FileErrorKind.OutputIsInput, Assert.Throws<FileException>(() => OutputRules.CheckOutput(input, input, overwrite: true)).Kind);
        var picture = Assert.Throws<FileException>(() => OutputRules.CheckOutput(input, pictureFile, overwrite: true, options));
        Assert.Equal(FileErrorKind.OutputIsInput, picture.Kind);
        Assert.Contains("-BackgroundImage", picture.Message);
        File.WriteAllText(folder.File("old.png"), "old");
        Assert.Equal(FileErrorKind.OutputExists, Assert.Throws<FileException>(() => OutputRules.CheckOutput(input, folder.File("old.png"), overwrite: false)).Kind);
        OutputRules.CheckOutput(input, folder.File("old.png"), overwrite: true);
        OutputRules.CheckOutput(input, folder.File("new.png"), overwrite: false);

        Assert.Equal(OutputFate.Write, OutputRules.FateOf(folder.File("new.png"), false));
        Assert.Equal(OutputFate.Refuse, OutputRules.FateOf(folder.File("old.png"), false));
        Assert.Equal(OutputFate.Overwrite, OutputRules.FateOf(folder.File("old.png"), true));
        Assert.Equal(OptionProblem.JpegNeedsBackground, Assert.Throws<OptionException>(() => OutputRules.CheckOptions(new CutoutOptions { Format = OutputFormat.Jpeg })).Problem);
        OutputRules.CheckOptions(new CutoutOptions { Format = OutputFormat.Jpeg, BackgroundColor = BackgroundColor.Parse("white") });
    }

    [Fact]
    public void WriteMask_writes_the_mask_it_returns_and_refuses_an_existing_file()
    {
        var session = new ModelSession(new ModelLocation(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(64)), "test"), new EngineSettings(), ExecutionDevice.Cpu);
        var input = TestImages.SavePng(TestImages.RedSquare(40, 30, 10, 5, 20, 20), folder.File("square.png"));
        var maskPath = folder.File("square.mask.png");

        var outcome = BackgroundRemoval.WriteMask(session, input, maskPath, overwrite: false, MaskOptions.Default, MaskDetail.Standard, ImageLimits.DefaultMaxPixels, CancellationToken.None);

        Assert.Equal(maskPath, outcome.MaskPath);
        Assert.Equal((40, 30), (outcome.Mask.Width, outcome.Mask.Height));
        var written = SkiaSharp.SKBitmap.Decode(maskPath);
        Assert.Equal(outcome.Mask[20, 15], written.GetPixel(20, 15).Red);
        Assert.Equal(outcome.Mask[2, 2], written.GetPixel(2, 2).Red);
        Assert.Equal(FileErrorKind.OutputExists, Assert.Throws<FileException>(() =>
            BackgroundRemoval.WriteMask(session, input, maskPath, overwrite: false, MaskOptions.Default, MaskDetail.Standard, ImageLimits.DefaultMaxPixels, CancellationToken.None)).Kind);
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void A_model_argument_is_a_path_when_it_looks_like_one_or_names_a_file_and_a_name_otherwise()
    {
        var model = folder.File("local.onnx");
        File.WriteAllText(model, "x");
        string Resolve(string value) => Path.Combine(folder.Path, value);

        Assert.Equal(model, ModelLocator.Normalize("local.onnx", Resolve));
        Assert.Equal(Path.Combine(folder.Path, "./sub/m.onnx"), ModelLocator.Normalize("./sub/m.onnx", Resolve));
        Assert.Equal("RMBG-2.0:fp16", ModelLocator.Normalize("RMBG-2.0:fp16", Resolve));
        Assert.Equal("RMBG-2.0:fp16", ModelLocator.Normalize("RMBG-2.0:fp16", _ => null));
    }
}
