using System.Management.Automation;
using RmbgPS.Engine.Imaging;

namespace RmbgPS;

/// <summary>Stable error ids and categories, so scripts can catch and Pester can assert on them.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord ForImage(ImageException e) => new(e, IdFor(e.Kind), CategoryFor(e.Kind), e.Path);

    public static ErrorRecord Create(Exception e, string errorId, ErrorCategory category, object? target) => new(e, errorId, category, target);

    private static string IdFor(ImageErrorKind kind) => kind switch
    {
        ImageErrorKind.FileNotFound => "FileNotFound",
        ImageErrorKind.AccessDenied => "UnauthorizedAccessError",
        ImageErrorKind.ReadFailed => "FileReadError",
        ImageErrorKind.NotAnImage => "NotAnImage",
        ImageErrorKind.CorruptImage => "CorruptImage",
        ImageErrorKind.TruncatedImage => "TruncatedImage",
        ImageErrorKind.ImageTooLarge => "ImageTooLarge",
        ImageErrorKind.WriteFailed => "FileWriteError",
        ImageErrorKind.OutputExists => "OutputExists",
        ImageErrorKind.OutputIsInput => "OutputIsInput",
        _ => kind.ToString(),
    };

    private static ErrorCategory CategoryFor(ImageErrorKind kind) => kind switch
    {
        ImageErrorKind.FileNotFound => ErrorCategory.ObjectNotFound,
        ImageErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
        ImageErrorKind.ReadFailed => ErrorCategory.ReadError,
        ImageErrorKind.NotAnImage or ImageErrorKind.CorruptImage or ImageErrorKind.TruncatedImage => ErrorCategory.InvalidData,
        ImageErrorKind.ImageTooLarge => ErrorCategory.LimitsExceeded,
        ImageErrorKind.WriteFailed => ErrorCategory.WriteError,
        ImageErrorKind.OutputExists => ErrorCategory.ResourceExists,
        ImageErrorKind.OutputIsInput => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };
}
