namespace RmbgPS.Engine.Files;

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
    /// <summary>Two inputs of one run would write the same output: the later one is refused (reported as OutputExists).</summary>
    OutputClash,
    OutputIsInput,
    /// <summary>No file can be created in the output folder (read-only, no permission): found before the model runs.</summary>
    FolderNotWritable,
    /// <summary>An input named on its own is a folder, not a file.</summary>
    PathIsFolder,
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

    /// <summary>The one wording for an output that is already there, wherever it is found.</summary>
    public static ImageException OutputExists(string path, Exception? inner = null) =>
        new(ImageErrorKind.OutputExists, path, $"'{path}' already exists. Use -Force to overwrite it, or choose another -OutputPath.", inner);

    public ImageErrorKind Kind { get; }
    public string Path { get; }
}
