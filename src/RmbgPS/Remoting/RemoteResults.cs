using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Remoting;

/// <summary>
/// Makes what a node sent back into what a local run gives: the module's own result types (so format views and
/// [OutputType] hold), with the caller's paths, and error records with their ErrorId, category and the input as target.
/// </summary>
internal static partial class RemoteResults
{
    public static RemovalResult ToRemoval(NodeReport report)
    {
        var bag = report.Result!;
        return new RemovalResult
        {
            InputPath = report.Plan.Input,
            OutputPath = report.Plan.Output!,
            Width = Value<int>(bag, nameof(RemovalResult.Width)),
            Height = Value<int>(bag, nameof(RemovalResult.Height)),
            ForegroundRatio = Value<double>(bag, nameof(RemovalResult.ForegroundRatio)),
            BoundingBox = Box(bag.Properties[nameof(RemovalResult.BoundingBox)]?.Value),
            Model = Value<string>(bag, nameof(RemovalResult.Model)) ?? "",
            Profile = Value<string>(bag, nameof(RemovalResult.Profile)) ?? "",
            Device = Value<string>(bag, nameof(RemovalResult.Device)) ?? "",
            ExecutionProvider = Value<string>(bag, nameof(RemovalResult.ExecutionProvider)) ?? "",
            ProcessingTime = Value<TimeSpan>(bag, nameof(RemovalResult.ProcessingTime)),
            QueueTime = Value<TimeSpan>(bag, nameof(RemovalResult.QueueTime)),
            NeedsReview = Value<bool>(bag, nameof(RemovalResult.NeedsReview)),
            OutputWidth = Value<int>(bag, nameof(RemovalResult.OutputWidth)),
            OutputHeight = Value<int>(bag, nameof(RemovalResult.OutputHeight)),
            Format = Value<string>(bag, nameof(RemovalResult.Format)) ?? "",
            ComputerName = report.ComputerName,
        };
    }

    public static ImageMask ToMask(NodeReport report)
    {
        var bag = report.Result!;
        var mask = AlphaMask.ReadPng(report.MaskPng ?? throw new InvalidDataException($"The node '{report.ComputerName}' sent no mask for '{report.Plan.Input}'."));
        return new ImageMask(mask, report.Plan.Input, Value<string>(bag, nameof(ImageMask.Model)) ?? "",
            Value<string>(bag, nameof(ImageMask.ExecutionProvider)) ?? "", report.Plan.Output, report.ComputerName);
    }

    /// <summary>
    /// A node's error as the local command writes it: the same ErrorId and category, the input as target, and the
    /// node's name in the message; a path in the node's own work folder reads as the caller's input.
    /// </summary>
    public static ErrorRecord ToError(ErrorRecord remote, NodeReport report)
    {
        var id = remote.FullyQualifiedErrorId.Split(',')[0];
        var message = Localize(remote.Exception?.Message ?? remote.ToString(), report);
        return new ErrorRecord(new RemoteException($"{message} (on '{report.ComputerName}')"), id, remote.CategoryInfo.Category, report.Plan.Input);
    }

    /// <summary>A node's message with the paths in its own work folder (files sent over the session) read as the caller's input and output.</summary>
    public static string Localize(string message, NodeReport report) => !report.Transferred ? message : NodeWorkPath().Replace(message, match =>
        Path.GetFileName(match.Value) == Path.GetFileName(report.Plan.Input) ? report.Plan.Input : report.Plan.Output ?? match.Value);

    private static T? Value<T>(PSObject bag, string name) =>
        bag.Properties[name]?.Value is { } value ? LanguagePrimitives.ConvertTo<T>(value) : default;

    /// <summary>A bounding box travels as an object or, past the serialization depth, as its text "X,Y WxH".</summary>
    private static BoundingBox? Box(object? value)
    {
        if (value is PSObject { BaseObject: not string } bag && bag.Properties["X"] is not null)
            return new BoundingBox(Value<int>(bag, "X"), Value<int>(bag, "Y"), Value<int>(bag, "Width"), Value<int>(bag, "Height"));
        var match = value is null ? null : BoxText().Match(value.ToString() ?? "");
        return match is { Success: true }
            ? new BoundingBox(Int(match.Groups[1]), Int(match.Groups[2]), Int(match.Groups[3]), Int(match.Groups[4]))
            : null;
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(-?\d+),(-?\d+) (\d+)x(\d+)$")]
    private static partial Regex BoxText();

    [GeneratedRegex(@"[^'""\s]*rmbgps-node-[0-9a-f]{32}[\\/][^'""\s]+")]
    private static partial Regex NodeWorkPath();
}
