using System.Management.Automation;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Files;

namespace RmbgPS;

/// <summary>Stable error ids and categories, so scripts can catch and Pester can assert on them.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord ForImage(ImageException e) => new(e, IdFor(e.Kind), CategoryFor(e.Kind), e.Path);

    public static ErrorRecord ForDownload(DownloadException e) => new(e, e.Kind switch
    {
        DownloadErrorKind.NetworkUnavailable => "NetworkUnavailable",
        DownloadErrorKind.AccessDenied => "ModelAccessDenied",
        DownloadErrorKind.NotFound => "ModelSourceNotFound",
        DownloadErrorKind.ChecksumMismatch => "ChecksumMismatch",
        DownloadErrorKind.SizeMismatch => "SizeMismatch",
        DownloadErrorKind.DiskFull => "DiskFull",
        DownloadErrorKind.TimedOut => "DownloadTimedOut",
        DownloadErrorKind.InsecureSource => "InsecureSource",
        DownloadErrorKind.InvalidSource => "InvalidSource",
        DownloadErrorKind.WriteFailed => "FileWriteError",
        DownloadErrorKind.InvalidPackage => "InvalidPackage",
        _ => "DownloadFailed",
    }, e.Kind switch
    {
        DownloadErrorKind.NetworkUnavailable => ErrorCategory.ConnectionError,
        DownloadErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
        DownloadErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        DownloadErrorKind.ChecksumMismatch or DownloadErrorKind.SizeMismatch or DownloadErrorKind.InvalidPackage => ErrorCategory.InvalidData,
        DownloadErrorKind.DiskFull => ErrorCategory.LimitsExceeded,
        DownloadErrorKind.TimedOut => ErrorCategory.OperationTimeout,
        DownloadErrorKind.InsecureSource => ErrorCategory.SecurityError,
        DownloadErrorKind.InvalidSource => ErrorCategory.InvalidArgument,
        DownloadErrorKind.WriteFailed => ErrorCategory.WriteError,
        _ => ErrorCategory.ConnectionError,
    }, e.Url);

    public static ErrorRecord ForInstall(ModelInstallException e) => new(e, e.Kind switch
    {
        InstallErrorKind.UnknownModel => "UnknownModel",
        InstallErrorKind.UnknownVariant => "UnknownVariant",
        InstallErrorKind.InvalidName => "InvalidModelName",
        InstallErrorKind.SourceFileNotFound => "FileNotFound",
        InstallErrorKind.NotAModel => "NotAModel",
        InstallErrorKind.ChecksumMismatch => "ChecksumMismatch",
        InstallErrorKind.UnknownProfile => "UnknownProfile",
        InstallErrorKind.AlreadyInstalled => "ModelAlreadyInstalled",
        _ => e.Kind.ToString(),
    }, e.Kind switch
    {
        InstallErrorKind.UnknownModel or InstallErrorKind.UnknownVariant or InstallErrorKind.SourceFileNotFound => ErrorCategory.ObjectNotFound,
        InstallErrorKind.NotAModel or InstallErrorKind.ChecksumMismatch => ErrorCategory.InvalidData,
        InstallErrorKind.AlreadyInstalled => ErrorCategory.ResourceExists,
        _ => ErrorCategory.InvalidArgument,
    }, e.Target);

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
        ImageErrorKind.FolderNotWritable => "OutputFolderNotWritable",
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
        ImageErrorKind.FolderNotWritable => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };
}
