using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Removal;

namespace RmbgPS;

/// <summary>
/// The alpha mask of one image at its own size, for assertions and further processing:
/// figures as properties, pixels through GetAlpha / GetAlphaBytes, and Save to write it as a grey PNG.
/// </summary>
public sealed class ImageMask
{
    private readonly AlphaMask mask;

    internal ImageMask(MaskOutcome outcome)
        : this(outcome.Mask, outcome.InputPath, outcome.Model!.Name, outcome.Model.ExecutionProvider, outcome.MaskPath, computerName: null)
    {
    }

    /// <summary>Also for a mask a remote node made (<see cref="Remoting.RemoteResults"/>), its pixels sent back as PNG.</summary>
    internal ImageMask(AlphaMask mask, string path, string model, string executionProvider, string? maskPath, string? computerName)
    {
        this.mask = mask;
        Path = path;
        Model = model;
        ExecutionProvider = executionProvider;
        MaskPath = maskPath;
        ComputerName = computerName;
        BoundingBox = BoundingBox.From(mask.Bounds);
    }

    /// <summary>The image the mask was computed for.</summary>
    public string Path { get; }
    /// <summary>The image's file name, as the table shows it.</summary>
    public string Name => System.IO.Path.GetFileName(Path);
    public int Width => mask.Width;
    public int Height => mask.Height;
    /// <summary>Mean alpha, 0..1: the share of the picture that is subject.</summary>
    public double ForegroundRatio => Math.Round(mask.ForegroundRatio, 4);
    public BoundingBox? BoundingBox { get; }
    /// <summary>"451x300".</summary>
    public string Size => $"{Width}x{Height}";
    /// <summary>True when the mask keeps nearly nothing or nearly everything (under 2% or over 98%): no clear subject, worth a person's look.</summary>
    public bool NeedsReview => SubjectCoverage.NeedsReview(mask.ForegroundRatio);
    public string Model { get; }
    /// <summary>The ONNX Runtime execution provider that ran the model (CUDAExecutionProvider, CPUExecutionProvider, ...).</summary>
    public string ExecutionProvider { get; }
    /// <summary>The computer that made it: a -Session node's name, or null for this one.</summary>
    public string? ComputerName { get; }
    /// <summary>Where the mask was written with -OutputPath, else null.</summary>
    public string? MaskPath { get; internal set; }

    /// <summary>Alpha at a pixel, 0 (background) to 1 (subject).</summary>
    public double GetAlpha(int x, int y) => mask[x, y] / 255.0;

    /// <summary>A copy of the whole mask, row-major, one byte (0..255) a pixel.</summary>
    public byte[] GetAlphaBytes() => mask.Values.AsSpan(0, mask.Width * mask.Height).ToArray();

    /// <summary>Writes the mask as an 8-bit grayscale PNG (complete or not at all) and returns its full path.</summary>
    public string Save(string path, bool overwrite = true)
    {
        var full = System.IO.Path.GetFullPath(path);
        AtomicFile.Write(full, overwrite, mask.WritePng);
        return full;
    }

    internal AlphaMask Mask => mask;

    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} {Width}x{Height} foreground {ForegroundRatio:P1}";
}
