using RmbgPS.Engine.Removal;

namespace RmbgPS;

/// <summary>
/// One image whose background was removed. PSPath and FullName name the written cut-out, so the object
/// pipes straight into Get-Item, Copy-Item, Remove-Item and friends.
/// </summary>
public sealed class RemovalResult
{
    /// <summary>For a result that a remote node made (<see cref="Remoting.RemoteResults"/>).</summary>
    internal RemovalResult()
    {
    }

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

    public string InputPath { get; internal init; } = "";
    public string OutputPath { get; internal init; } = "";
    public int Width { get; internal init; }
    public int Height { get; internal init; }
    /// <summary>Mean alpha, 0..1: the share of the picture kept as subject.</summary>
    public double ForegroundRatio { get; internal init; }
    public BoundingBox? BoundingBox { get; internal init; }
    public string Model { get; internal init; } = "";
    public string Profile { get; internal init; } = "";
    /// <summary>The device the model ran on (Cpu when Auto fell back).</summary>
    public string Device { get; internal init; } = "";
    /// <summary>The ONNX Runtime execution provider that ran the model (CUDAExecutionProvider, CPUExecutionProvider, ...).</summary>
    public string ExecutionProvider { get; internal init; } = "";
    /// <summary>The image's own work: decoding, the model's run, compositing, encoding and writing.</summary>
    public TimeSpan ProcessingTime { get; internal init; }
    /// <summary>Time the image waited in the batch: for a free worker and for the model while it ran other images.</summary>
    public TimeSpan QueueTime { get; internal init; }
    /// <summary>True when the mask kept nearly nothing or nearly everything (under 2% or over 98%): no clear subject, worth a person's look.</summary>
    public bool NeedsReview { get; internal init; }
    /// <summary><see cref="ProcessingTime"/> in seconds, to two decimals: the table's column, which Measure-Object can sum.</summary>
    public double Seconds => Math.Round(ProcessingTime.TotalSeconds, 2);
    /// <summary>The input's size, "451x300".</summary>
    public string Size => $"{Width}x{Height}";
    /// <summary>The written picture's size: the input's, or the crop's with -Crop.</summary>
    public int OutputWidth { get; internal init; }
    public int OutputHeight { get; internal init; }
    /// <summary>Png, WebP or Jpeg.</summary>
    public string Format { get; internal init; } = "";

    /// <summary>The computer that made it: a -Session node's name, or null for this one.</summary>
    public string? ComputerName { get; internal init; }

    public string FullName => OutputPath;
    public string Name => System.IO.Path.GetFileName(OutputPath);
    public string PSPath => PowerShellPaths.FileSystemPSPath(OutputPath);

    public override string ToString() => OutputPath;
}
