namespace RmbgPS.Engine.Imaging;

/// <summary>What went wrong with one file; callers map it to an error id and category.</summary>
public enum ImageErrorKind
{
    FileNotFound,
    AccessDenied,
    ReadFailed,
    NotAnImage,
    CorruptImage,
    TruncatedImage,
    ImageTooLarge,
    WriteFailed,
    OutputExists,
    OutputIsInput,
}

/// <summary>A failure tied to one file, with a message that names it and says what to do.</summary>
public sealed class ImageException : Exception
{
    public ImageException(ImageErrorKind kind, string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Path = path;
    }

    public ImageErrorKind Kind { get; }
    public string Path { get; }
}
