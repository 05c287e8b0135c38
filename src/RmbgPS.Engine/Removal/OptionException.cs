namespace RmbgPS.Engine.Removal;

/// <summary>What is wrong with a run's options, found before any image is read.</summary>
public enum OptionProblem
{
    /// <summary>JPEG has no transparency, and no opaque background was given.</summary>
    JpegNeedsBackground,
    /// <summary>-Format and the output file's extension disagree.</summary>
    FormatMismatch,
    /// <summary>The output folder is an existing file.</summary>
    OutputPathIsFile,
    /// <summary>A margin was given for a crop that was not asked for.</summary>
    PaddingWithoutCrop,
    /// <summary>A background colour that does not parse.</summary>
    InvalidBackgroundColor,
    /// <summary>A background picture that cannot be read.</summary>
    InvalidBackgroundImage,
    /// <summary>Skipping existing outputs and overwriting them were both asked for.</summary>
    SkipExistingWithForce,
    /// <summary>A base folder for relative output paths, but no output folder to put them under.</summary>
    RelativeBaseWithoutOutputFolder,
}

/// <summary>Options that cannot run together or cannot be used; the message names them and says what to do.</summary>
public sealed class OptionException(OptionProblem problem, object? target, string message, Exception? inner = null)
    : ArgumentException(message, inner)
{
    public OptionProblem Problem { get; } = problem;
    /// <summary>The value at fault, for the error record.</summary>
    public object? Target { get; } = target;
}
