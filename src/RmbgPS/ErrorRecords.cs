using System.Management.Automation;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS;

/// <summary>Stable error ids and categories, so scripts can catch and Pester can assert on them.</summary>
internal static class ErrorRecords
{
    /// <summary>A file's failure, with the file it names as target unless <paramref name="target"/> says otherwise.</summary>
    public static ErrorRecord ForFile(FileException e, string? target = null) => new(e, IdFor(e.Kind), CategoryFor(e.Kind), target ?? e.Path);

    /// <summary>
    /// One input's failure in a batch, with the input as target (whichever file the failure is about, so a list of failures
    /// names the photos): a FileException by its kind; anything else (the runtime on an odd image, memory) as ProcessingFailed.
    /// </summary>
    public static ErrorRecord ForInput(string input, Exception e) => e is FileException file
        ? ForFile(file, input)
        : new(new IOException($"Processing '{input}' failed: {e.Message} The rest of the batch went on. If the file opens in other programs, run it alone with -Verbose and report the output.", e),
            ErrorIds.ProcessingFailed, ErrorCategory.NotSpecified, input);

    /// <summary>Options that cannot run, found before any image is read.</summary>
    public static ErrorRecord ForOption(OptionException e) => new(e, e.Problem switch
    {
        OptionProblem.JpegNeedsBackground => ErrorIds.JpegNeedsBackground,
        OptionProblem.FormatMismatch => ErrorIds.FormatMismatch,
        OptionProblem.OutputPathIsFile => ErrorIds.OutputPathIsFile,
        OptionProblem.PaddingWithoutCrop => ErrorIds.PaddingWithoutCrop,
        OptionProblem.InvalidBackgroundColor => ErrorIds.InvalidBackgroundColor,
        OptionProblem.InvalidBackgroundImage => ErrorIds.InvalidBackgroundImage,
        OptionProblem.SkipExistingWithForce => ErrorIds.SkipExistingWithForce,
        OptionProblem.RelativeBaseWithoutOutputFolder => ErrorIds.RelativeBasePathWithoutOutputPath,
        _ => e.Problem.ToString(),
    }, ErrorCategory.InvalidArgument, e.Target);

    public static ErrorRecord ForResolution(InvalidResolutionException e) => new(e, ErrorIds.InvalidResolution, ErrorCategory.InvalidArgument, e.Resolution);

    /// <summary>What ends a whole batch, by its type, or null for anything else (which is not ours to map).</summary>
    public static ErrorRecord? ForBatchEnd(Exception e, string? model) => e switch
    {
        ModelNotFoundException => new(e, ErrorIds.ModelNotFound, ErrorCategory.ObjectNotFound, model),
        DeviceNotAvailableException device => new(e, ErrorIds.DeviceNotAvailable, ErrorCategory.NotEnabled, device.Device),
        ModelLoadException => new(e, ErrorIds.ModelLoadFailed, ErrorCategory.InvalidData, model),
        ModelDoesNotFitException tooLarge => new(e, ErrorIds.ModelDoesNotFit, ErrorCategory.ResourceUnavailable, tooLarge.ModelPath),
        FileException file => ForFile(file),
        _ => null,
    };

    public static ErrorRecord ForDownload(DownloadException e) => new(e, e.Kind switch
    {
        DownloadErrorKind.NetworkUnavailable => ErrorIds.NetworkUnavailable,
        DownloadErrorKind.AccessDenied => ErrorIds.ModelAccessDenied,
        DownloadErrorKind.NotFound => ErrorIds.ModelSourceNotFound,
        DownloadErrorKind.ChecksumMismatch => ErrorIds.ChecksumMismatch,
        DownloadErrorKind.SizeMismatch => ErrorIds.SizeMismatch,
        DownloadErrorKind.DiskFull => ErrorIds.DiskFull,
        DownloadErrorKind.TimedOut => ErrorIds.DownloadTimedOut,
        DownloadErrorKind.InsecureSource => ErrorIds.InsecureSource,
        DownloadErrorKind.InvalidSource => ErrorIds.InvalidSource,
        DownloadErrorKind.WriteFailed => ErrorIds.FileWriteError,
        DownloadErrorKind.InvalidPackage => ErrorIds.InvalidPackage,
        _ => ErrorIds.DownloadFailed,
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
        InstallErrorKind.UnknownModel => ErrorIds.UnknownModel,
        InstallErrorKind.UnknownVariant => ErrorIds.UnknownVariant,
        InstallErrorKind.InvalidName => ErrorIds.InvalidModelName,
        InstallErrorKind.SourceFileNotFound => ErrorIds.FileNotFound,
        InstallErrorKind.NotAModel => ErrorIds.NotAModel,
        InstallErrorKind.ChecksumMismatch => ErrorIds.ChecksumMismatch,
        InstallErrorKind.UnknownProfile => ErrorIds.UnknownProfile,
        InstallErrorKind.AlreadyInstalled => ErrorIds.ModelAlreadyInstalled,
        _ => e.Kind.ToString(),
    }, e.Kind switch
    {
        InstallErrorKind.UnknownModel or InstallErrorKind.UnknownVariant or InstallErrorKind.SourceFileNotFound => ErrorCategory.ObjectNotFound,
        InstallErrorKind.NotAModel or InstallErrorKind.ChecksumMismatch => ErrorCategory.InvalidData,
        InstallErrorKind.AlreadyInstalled => ErrorCategory.ResourceExists,
        _ => ErrorCategory.InvalidArgument,
    }, e.Target);

    public static ErrorRecord Create(Exception e, string errorId, ErrorCategory category, object? target) => new(e, errorId, category, target);

    private static string IdFor(FileErrorKind kind) => kind switch
    {
        FileErrorKind.FileNotFound => ErrorIds.FileNotFound,
        FileErrorKind.AccessDenied => ErrorIds.UnauthorizedAccessError,
        FileErrorKind.ReadFailed => ErrorIds.FileReadError,
        FileErrorKind.NotAnImage => ErrorIds.NotAnImage,
        FileErrorKind.CorruptImage => ErrorIds.CorruptImage,
        FileErrorKind.TruncatedImage => ErrorIds.TruncatedImage,
        FileErrorKind.ImageTooLarge => ErrorIds.ImageTooLarge,
        FileErrorKind.WriteFailed => ErrorIds.FileWriteError,
        FileErrorKind.OutputExists or FileErrorKind.OutputClash => ErrorIds.OutputExists,
        FileErrorKind.OutputIsInput => ErrorIds.OutputIsInput,
        FileErrorKind.FolderNotWritable => ErrorIds.OutputFolderNotWritable,
        FileErrorKind.PathIsFolder => ErrorIds.PathIsFolder,
        FileErrorKind.OutsideBasePath => ErrorIds.InputOutsideBasePath,
        _ => kind.ToString(),
    };

    private static ErrorCategory CategoryFor(FileErrorKind kind) => kind switch
    {
        FileErrorKind.FileNotFound => ErrorCategory.ObjectNotFound,
        FileErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
        FileErrorKind.ReadFailed => ErrorCategory.ReadError,
        FileErrorKind.NotAnImage or FileErrorKind.CorruptImage or FileErrorKind.TruncatedImage => ErrorCategory.InvalidData,
        FileErrorKind.ImageTooLarge => ErrorCategory.LimitsExceeded,
        FileErrorKind.WriteFailed => ErrorCategory.WriteError,
        FileErrorKind.OutputExists or FileErrorKind.OutputClash => ErrorCategory.ResourceExists,
        FileErrorKind.OutputIsInput or FileErrorKind.PathIsFolder or FileErrorKind.OutsideBasePath => ErrorCategory.InvalidArgument,
        FileErrorKind.FolderNotWritable => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };
}
