using System.Management.Automation;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Reporting;

namespace RmbgPS;

/// <summary>
/// What Export-RmbgReport reads from the pipeline: the image commands' results and error records, live or as they come
/// back deserialized from Invoke-Command or a job (read by property name, the node from PSComputerName).
/// </summary>
internal static class ReviewInputs
{
    /// <summary>An entry, a failure, or neither (not something an image command writes).</summary>
    public static (ReviewEntry? Entry, ReviewFailure? Failure) Read(PSObject input)
    {
        switch (input.BaseObject)
        {
            case RemovalResult result:
                return (Entry(input, result.InputPath, result.OutputPath, null, result.Width, result.Height, result.ForegroundRatio,
                    result.BoundingBox, result.ProcessingTime, result.ComputerName, result.Model, result.Device) with { NeedsReview = result.NeedsReview }, null);
            case ImageMask mask:
                var entry = Entry(input, mask.Path, null, mask.MaskPath, mask.Width, mask.Height,
                    mask.ForegroundRatio, mask.BoundingBox, null, mask.ComputerName, mask.Model, mask.ExecutionProvider) with { NeedsReview = mask.NeedsReview };
                if (mask.MaskPath is not null)
                    return (entry, null);
                // Kept at the thumbnail's size: a whole 12-MP mask is 12 MB, and a sheet may gather thousands.
                var (gray, width, height) = Thumbnail.ReduceGray(mask.Mask.Values, mask.Width, mask.Height, new ReviewSheetOptions().ThumbnailSize);
                return (entry with { Mask = gray, MaskWidth = width, MaskHeight = height }, null);
            case ErrorRecord error:
                return (null, Failure(error.FullyQualifiedErrorId, error.TargetObject, error.Exception?.Message ?? error.ToString(), Node(input, null)));
        }

        if (Value(input, "FullyQualifiedErrorId") is string errorId)
            return (null, Failure(errorId, Value(input, "TargetObject"), Value(Value(input, "Exception") as PSObject, "Message") as string ?? input.ToString(), Node(input, null)));
        if (Value(input, "InputPath") is string inputPath && Value(input, "OutputPath") is string outputPath)
            return (Reviewed(input, Entry(input, inputPath, outputPath, null, Number(input, "Width"), Number(input, "Height"), Ratio(input), Box(Value(input, "BoundingBox")),
                Value(input, "ProcessingTime") is TimeSpan time ? time : null, Value(input, "ComputerName") as string, Value(input, "Model") as string, Value(input, "Device") as string)), null);
        if (Value(input, "Path") is string path && Value(input, "ForegroundRatio") is not null)
            return (Reviewed(input, Entry(input, path, null, Value(input, "MaskPath") as string, Number(input, "Width"), Number(input, "Height"), Ratio(input), Box(Value(input, "BoundingBox")),
                null, Value(input, "ComputerName") as string, Value(input, "Model") as string, Value(input, "ExecutionProvider") as string)), null);
        return (null, null);
    }

    /// <summary>A deserialized result's own NeedsReview, when it carries one.</summary>
    private static ReviewEntry Reviewed(PSObject input, ReviewEntry entry) =>
        Value(input, "NeedsReview") is bool flagged ? entry with { NeedsReview = flagged } : entry;

    private static ReviewEntry Entry(PSObject input, string inputPath, string? outputPath, string? maskPath, int width, int height,
        double ratio, object? box, TimeSpan? time, string? node, string? model, string? device) => new()
    {
        InputPath = inputPath,
        OutputPath = outputPath,
        MaskPath = maskPath,
        Width = width,
        Height = height,
        ForegroundRatio = ratio,
        Box = Box(box),
        Time = time,
        Node = Node(input, node),
        Model = model,
        Device = device,
    };

    private static ReviewFailure Failure(string fullyQualifiedErrorId, object? target, string message, string? node) =>
        new(Target(target), fullyQualifiedErrorId.Split(',')[0], message, node);

    private static string? Target(object? target) => target switch
    {
        null => null,
        PSObject wrapped => Target(wrapped.BaseObject),
        FileSystemInfo file => file.FullName,
        _ => target.ToString(),
    };

    /// <summary>A remote node's name: the result's own, else the one Invoke-Command added.</summary>
    private static string? Node(PSObject input, string? own) => own ?? Value(input, "PSComputerName") as string;

    private static (int X, int Y, int Width, int Height)? Box(object? box) => box switch
    {
        BoundingBox b => (b.X, b.Y, b.Width, b.Height),
        PSObject p when Value(p, "Width") is not null => (Number(p, "X"), Number(p, "Y"), Number(p, "Width"), Number(p, "Height")),
        _ => null,
    };

    private static double Ratio(PSObject input) => Value(input, "ForegroundRatio") is { } value ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static int Number(PSObject input, string name) => Value(input, name) is { } value ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static object? Value(PSObject? input, string name) => input?.Properties[name]?.Value switch
    {
        PSObject { BaseObject: not PSCustomObject } wrapped => wrapped.BaseObject,
        var value => value,
    };
}
