using System.Diagnostics;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Files;

namespace RmbgPS.Engine.Removal;

/// <summary>The per-image operations the cmdlets (and the benchmark) run: file in, mask or cut-out out.</summary>
public static class BackgroundRemoval
{
    public static AlphaMask ComputeMask(ModelSession session, RgbaImage image, MaskOptions options, CancellationToken cancellationToken) =>
        ComputeMask(session, image, options, MaskDetail.Standard, [], new StageTimes(), cancellationToken);

    /// <summary>
    /// The mask at <paramref name="image"/>'s full size, with a second look at the subject when <paramref name="detail"/>
    /// asks for it (its note then goes to <paramref name="notes"/>); the stages' times go to <paramref name="stages"/>.
    /// </summary>
    public static AlphaMask ComputeMask(ModelSession session, RgbaImage image, MaskOptions options, MaskDetail detail, List<string> notes,
        StageTimes stages, CancellationToken cancellationToken)
    {
        if (detail == MaskDetail.High && image.IsReduced)
            notes.Add("no second look: the picture was read reduced to the model's size"); // callers decode whole for a second look (DecodeForModel)
        if (detail == MaskDetail.Standard || image.IsReduced)
            return LookOnce(session, image, options, stages, cancellationToken);
        return SecondLook.Compute(session, image, options, notes, stages, cancellationToken);
    }

    /// <summary>One run of the model: the mask, with the run's wait and time added to <paramref name="stages"/>.</summary>
    internal static AlphaMask LookOnce(ModelSession session, RgbaImage image, MaskOptions options, StageTimes stages, CancellationToken cancellationToken)
    {
        using var input = session.Prepare(image, cancellationToken);
        var plane = session.Infer(input, cancellationToken);
        stages.RanModel(plane.ModelWait, plane.ModelRun);
        var mask = AlphaMask.FromProbabilities(plane.Values, plane.Width, plane.Height, image.OriginalWidth, image.OriginalHeight, options);
        stages.Masked();
        return mask;
    }

    /// <summary>Decodes a file only as large as the model needs (<see cref="ImageDecoder.DecodeReduced"/>) and computes its mask at full size.</summary>
    public static AlphaMask ComputeMask(ModelSession session, string inputPath, MaskOptions options, long maxPixels, CancellationToken cancellationToken) =>
        WriteMask(session, inputPath, maskPath: null, overwrite: false, options, MaskDetail.Standard, maxPixels, cancellationToken).Mask;

    /// <summary>The picture as large as the mask needs: reduced to the model's size, or whole for a second look at the subject.</summary>
    public static RgbaImage DecodeForModel(ModelSession session, string inputPath, long maxPixels, MaskDetail detail = MaskDetail.Standard) =>
        detail == MaskDetail.High ? ImageDecoder.Decode(inputPath, maxPixels) : ImageDecoder.DecodeReduced(inputPath, maxPixels, session.InputWidth, session.InputHeight);

    /// <summary>
    /// The mask of one file, decoded only as large as the model needs and made at full size; written as an 8-bit
    /// grey PNG to <paramref name="maskPath"/> when given (complete or not at all; an existing file only with
    /// <paramref name="overwrite"/>).
    /// </summary>
    public static MaskOutcome WriteMask(ModelSession session, string inputPath, string? maskPath, bool overwrite,
        MaskOptions options, MaskDetail detail, long maxPixels, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var stages = new StageTimes();
        var input = Path.GetFullPath(inputPath);
        if (maskPath is not null)
            OutputRules.CheckOutput(input, maskPath, overwrite);
        var image = DecodeForModel(session, input, maxPixels, detail);
        stages.Decoded();
        cancellationToken.ThrowIfCancellationRequested();
        var notes = new List<string>(image.Notes);
        var mask = ComputeMask(session, image, options, detail, notes, stages, cancellationToken);
        if (maskPath is not null)
        {
            AtomicFile.Write(maskPath, overwrite, mask.WritePng, cancellationToken);
            stages.Written();
        }
        var warnings = new List<string>(image.Warnings);
        if (SubjectCoverage.Warning(input, mask.ForegroundRatio) is { } unclear)
            warnings.Add(unclear);
        return new MaskOutcome(input, mask, maskPath is null ? null : Path.GetFullPath(maskPath), clock.Elapsed)
        {
            Warnings = warnings, Notes = notes, Stages = stages,
        };
    }

    /// <summary>
    /// Writes <paramref name="outputPath"/> as the cut-out of <paramref name="inputPath"/> in the options'
    /// format. Refuses to overwrite its input, and any existing file unless <paramref name="overwrite"/>; the
    /// file appears complete or not at all.
    /// </summary>
    public static RemovalOutcome RemoveBackground(ModelSession session, string inputPath, string outputPath, bool overwrite,
        MaskOptions options, MaskDetail detail, CutoutOptions output, long maxPixels, CancellationToken cancellationToken)
    {
        OutputRules.CheckOptions(output);
        var clock = Stopwatch.StartNew();
        var stages = new StageTimes();
        var input = Path.GetFullPath(inputPath);
        var destination = Path.GetFullPath(outputPath);
        OutputRules.CheckOutput(input, destination, overwrite, output); // before decoding: no work wasted on a refused file

        // One full decode serves both the model and the cut-out. Decoding reduced for the model and again at
        // full size afterwards (as masks do) cost 0.1 s more CPU per 12-MP JPEG and, in a batch, moved the
        // memory peak to the finishing images rather than lowering it.
        var image = ImageDecoder.Decode(input, maxPixels);
        stages.Decoded();
        cancellationToken.ThrowIfCancellationRequested();
        if (!output.Crop)
            CheckOutputSize(input, image.Width, image.Height, output, maxPixels); // before the model: no work wasted
        var notes = new List<string>(image.Notes);
        var mask = ComputeMask(session, image, options, detail, notes, stages, cancellationToken);
        var warnings = new List<string>(image.Warnings);
        if (SubjectCoverage.Warning(input, mask.ForegroundRatio) is { } unclear)
            warnings.Add(unclear);
        if (output.Crop && mask.CropBounds is null)
            warnings.Add($"No subject was found in '{input}', so it was not cropped.");
        if (output.Crop) // uncropped, its size was checked before the model
        {
            var (outputWidth, outputHeight) = Cutout.OutputSize(mask, output);
            CheckOutputSize(input, outputWidth, outputHeight, output, maxPixels);
        }
        var result = Cutout.Compose(image, mask, output);
        stages.Composed();
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.Write(destination, overwrite, stream => ImageEncoder.Write(stream, result, output.Format, output.Quality), cancellationToken);
        stages.Written();
        return new RemovalOutcome(input, destination, image.Width, image.Height, mask.ForegroundRatio, mask.Bounds, clock.Elapsed)
        {
            OutputWidth = result.Width,
            OutputHeight = result.Height,
            Format = output.Format,
            Warnings = warnings,
            Notes = notes,
            Stages = stages,
        };
    }

    private static void CheckOutputSize(string input, long width, long height, CutoutOptions output, long maxPixels)
    {
        var limit = OutputFormats.MaxDimension(output.Format);
        if (width > limit || height > limit)
            throw new FileException(FileErrorKind.ImageTooLarge, input,
                $"The cut-out of '{input}' would be {width}x{height}, but {output.Format} stores at most {limit} pixels a side. Use -Format Png{(output.PadBeyondFrame ? ", or less -Padding" : "")}.");
        if (width * height > maxPixels)
            throw new FileException(FileErrorKind.ImageTooLarge, input,
                $"The cut-out of '{input}' would be {width}x{height} ({width * height / 1e6:0.#} MP), more than the {maxPixels / 1e6:0.#} MP limit. Use less -Padding or raise -MaxMegapixels.");
    }
}
