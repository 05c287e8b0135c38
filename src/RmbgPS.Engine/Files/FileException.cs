namespace RmbgPS.Engine.Files;

/// <summary>What went wrong with one file; callers map it to an error id and category.</summary>
public enum FileErrorKind
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
    /// <summary>An input outside the folder its output's relative path is taken from (-RelativeBasePath).</summary>
    OutsideBasePath,
}

/// <summary>
/// A failure tied to one file or folder, with a message that names it and says what to do: an image that cannot be
/// read, or an output, output folder, model descriptor or store file that cannot be written.
/// </summary>
public sealed class FileException : Exception
{
    public FileException(FileErrorKind kind, string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>
    /// The one wording for an output that is already there, wherever it is found; with <paramref name="input"/> it names
    /// the photo too, so a list of failures says which one.
    /// </summary>
    public static FileException OutputExists(string path, string? input = null, Exception? inner = null) =>
        new(FileErrorKind.OutputExists, path, $"{(input is null ? $"'{path}'" : $"The output of '{input}', '{path}',")} already exists. " +
            "Use -Force to overwrite it, -SkipExisting to leave it and skip its input, or choose another -OutputPath.", inner);

    public FileErrorKind Kind { get; }
    public string Path { get; }
}
