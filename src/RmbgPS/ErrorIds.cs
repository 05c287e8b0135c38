namespace RmbgPS;

/// <summary>
/// Every ErrorId the module writes, in one place: scripts catch on them and Pester asserts on them, so each is a
/// promise that stays as it is. <see cref="ErrorRecords"/> maps the engine's typed failures to them.
/// </summary>
public static class ErrorIds
{
    // Input files
    public const string FileNotFound = nameof(FileNotFound);
    public const string NotFileSystemPath = nameof(NotFileSystemPath);
    public const string PathIsFolder = nameof(PathIsFolder);
    public const string UnauthorizedAccessError = nameof(UnauthorizedAccessError);
    public const string FileReadError = nameof(FileReadError);
    public const string NotAnImage = nameof(NotAnImage);
    public const string CorruptImage = nameof(CorruptImage);
    public const string TruncatedImage = nameof(TruncatedImage);
    public const string ImageTooLarge = nameof(ImageTooLarge);
    public const string ProcessingFailed = nameof(ProcessingFailed);
    public const string InputOutsideBasePath = nameof(InputOutsideBasePath);

    // Outputs
    public const string FileWriteError = nameof(FileWriteError);
    public const string OutputExists = nameof(OutputExists);
    public const string OutputIsInput = nameof(OutputIsInput);
    public const string OutputFolderNotWritable = nameof(OutputFolderNotWritable);
    public const string OutputPathIsFile = nameof(OutputPathIsFile);

    // Options
    public const string JpegNeedsBackground = nameof(JpegNeedsBackground);
    public const string FormatMismatch = nameof(FormatMismatch);
    public const string PaddingWithoutCrop = nameof(PaddingWithoutCrop);
    public const string InvalidBackgroundColor = nameof(InvalidBackgroundColor);
    public const string InvalidBackgroundImage = nameof(InvalidBackgroundImage);
    public const string InvalidResolution = nameof(InvalidResolution);
    public const string UnknownProfile = nameof(UnknownProfile);
    public const string SkipExistingWithForce = nameof(SkipExistingWithForce);
    public const string RelativeBasePathWithoutOutputPath = nameof(RelativeBasePathWithoutOutputPath);
    public const string NotAReviewableResult = nameof(NotAReviewableResult);

    // Models and devices
    public const string ModelNotFound = nameof(ModelNotFound);
    public const string ModelLoadFailed = nameof(ModelLoadFailed);
    public const string ModelDoesNotFit = nameof(ModelDoesNotFit);
    public const string DeviceNotAvailable = nameof(DeviceNotAvailable);
    public const string ModelNotInstalled = nameof(ModelNotInstalled);
    public const string InvalidModelName = nameof(InvalidModelName);
    public const string InvalidCatalog = nameof(InvalidCatalog);
    public const string UnknownModel = nameof(UnknownModel);
    public const string UnknownVariant = nameof(UnknownVariant);
    public const string NotAModel = nameof(NotAModel);
    public const string ModelAlreadyInstalled = nameof(ModelAlreadyInstalled);
    public const string ModelInstallFailed = nameof(ModelInstallFailed);
    public const string LicenseNotAccepted = nameof(LicenseNotAccepted);
    public const string UninstallFailed = nameof(UninstallFailed);

    // Downloads
    public const string NetworkUnavailable = nameof(NetworkUnavailable);
    public const string ModelAccessDenied = nameof(ModelAccessDenied);
    public const string ModelSourceNotFound = nameof(ModelSourceNotFound);
    public const string ChecksumMismatch = nameof(ChecksumMismatch);
    public const string SizeMismatch = nameof(SizeMismatch);
    public const string DiskFull = nameof(DiskFull);
    public const string DownloadTimedOut = nameof(DownloadTimedOut);
    public const string InsecureSource = nameof(InsecureSource);
    public const string InvalidSource = nameof(InvalidSource);
    public const string InvalidPackage = nameof(InvalidPackage);
    public const string DownloadFailed = nameof(DownloadFailed);

    // Remote nodes (-Session)
    public const string NodeModuleMissing = nameof(NodeModuleMissing);
    public const string NodeModelMissing = nameof(NodeModelMissing);
    public const string NodeModelDiffers = nameof(NodeModelDiffers);
    public const string NodeUnreachable = nameof(NodeUnreachable);
    public const string NoNodeLeft = nameof(NoNodeLeft);
    public const string SessionRequired = nameof(SessionRequired);

    // GPU runtime
    public const string GpuRuntimeNotAvailable = nameof(GpuRuntimeNotAvailable);
    public const string GpuRuntimeInstallFailed = nameof(GpuRuntimeInstallFailed);
    public const string GpuRuntimeInUse = nameof(GpuRuntimeInUse);
    public const string GpuRuntimeUninstallFailed = nameof(GpuRuntimeUninstallFailed);
}
