using RmbgPS.Engine.Removal;

namespace RmbgPS;

/// <summary>
/// One image whose background was removed. PSPath and FullName name the written cut-out, so the object
/// pipes straight into Get-Item, Copy-Item, Remove-Item and friends.
/// </summary>
public sealed class RemovalResult
{
    internal RemovalResult(RemovalOutcome outcome)
    {
        var model = outcome.Model!;
        InputPath = outcome.InputPath;
        OutputPath = outcome.OutputPath;
        Width = outcome.Width;
        Height = outcome.Height;
        ForegroundRatio = Math.Round(outcome.ForegroundRatio, 4);
        BoundingBox = BoundingBox.From(outcome.Bounds);
        Model = model.Name;
        Profile = model.Profile;
        Device = model.Device;
        ExecutionProvider = model.ExecutionProvider;
        ProcessingTime = outcome.ProcessingTime;
        QueueTime = outcome.QueueTime;
        NeedsReview = outcome.NeedsReview;
        OutputWidth = outcome.OutputWidth;
        OutputHeight = outcome.OutputHeight;
        Format = outcome.Format.ToString();
    }

    public string InputPath { get; }
    public string OutputPath { get; }
    public int Width { get; }
    public int Height { get; }
    /// <summary>Mean alpha, 0..1: the share of the picture kept as subject.</summary>
    public double ForegroundRatio { get; }
    public BoundingBox? BoundingBox { get; }
    public string Model { get; }
    public string Profile { get; }
    /// <summary>The device the model ran on (Cpu when Auto fell back).</summary>
    public string Device { get; }
    /// <summary>The ONNX Runtime execution provider that ran the model (CUDAExecutionProvider, CPUExecutionProvider, ...).</summary>
    public string ExecutionProvider { get; }
    /// <summary>The image's own work: decoding, the model's run, compositing, encoding and writing.</summary>
    public TimeSpan ProcessingTime { get; }
    /// <summary>Time the image waited in the batch: for a free worker and for the model while it ran other images.</summary>
    public TimeSpan QueueTime { get; }
    /// <summary>True when the mask kept nearly nothing or nearly everything (under 2% or over 98%): no clear subject, worth a person's look.</summary>
    public bool NeedsReview { get; }
    /// <summary>The input's size, "451x300".</summary>
    public string Size => $"{Width}x{Height}";
    /// <summary>The written picture's size: the input's, or the crop's with -Crop.</summary>
    public int OutputWidth { get; }
    public int OutputHeight { get; }
    /// <summary>Png, WebP or Jpeg.</summary>
    public string Format { get; }

    public string FullName => OutputPath;
    public string Name => System.IO.Path.GetFileName(OutputPath);
    public string PSPath => PowerShellPaths.FileSystemPSPath(OutputPath);

    public override string ToString() => OutputPath;
}
