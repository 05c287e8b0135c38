using System.Management.Automation;
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
        if (input.BaseObject is ErrorRecord error)
            return (null, Failure(error.FullyQualifiedErrorId, error.TargetObject, error.Exception?.Message ?? error.ToString(), Node(input, null)));
        if (Value(input, "FullyQualifiedErrorId") is string errorId)
            return (null, Failure(errorId, Value(input, "TargetObject"), Value(Value(input, "Exception") as PSObject, "Message") as string ?? input.ToString(), Node(input, null)));

        // A cut-out names its input InputPath; a mask names it Path. Read by name, live objects and deserialized alike.
        var inputPath = Value(input, "InputPath") as string ?? (Value(input, "ForegroundRatio") is not null ? Value(input, "Path") as string : null);
        if (inputPath is null)
            return (null, null);
        var entry = new ReviewEntry
        {
            InputPath = inputPath,
            OutputPath = Value(input, "OutputPath") as string,
            MaskPath = Value(input, "MaskPath") as string,
            Width = Number(input, "Width"),
            Height = Number(input, "Height"),
            ForegroundRatio = Value(input, "ForegroundRatio") is { } ratio ? Convert.ToDouble(ratio, System.Globalization.CultureInfo.InvariantCulture) : 0,
            Box = Box(Value(input, "BoundingBox")),
            Time = Value(input, "ProcessingTime") as TimeSpan?,
            Node = Node(input, Value(input, "ComputerName") as string),
            Model = Value(input, "Model") as string,
            Device = Value(input, "Device") as string ?? Value(input, "ExecutionProvider") as string,
        };
        if (Value(input, "NeedsReview") is bool flagged)
            entry = entry with { NeedsReview = flagged };
        // Get-ImageMask without -OutputPath: the mask is only in the object.
        return (input.BaseObject is ImageMask { MaskPath: null } mask ? entry.WithMask(mask.Mask.Values, mask.Width, mask.Height) : entry, null);
    }

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

    private static int Number(PSObject input, string name) => Value(input, name) is { } value ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static object? Value(PSObject? input, string name) => input?.Properties[name]?.Value switch
    {
        PSObject { BaseObject: not PSCustomObject } wrapped => wrapped.BaseObject,
        var value => value,
    };
}
