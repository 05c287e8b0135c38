namespace RmbgPS.Engine.Downloads;

/// <summary>One file to fetch into <see cref="Destination"/>'s <c>.partial</c> file, and how to check it.</summary>
public sealed record DownloadRequest(Uri Url, string Destination)
{
    /// <summary>Bytes the file must have, when known in advance (the catalog); the server's length is always checked.</summary>
    public long? ExpectedSize { get; init; }
    public string? Sha256 { get; init; }
    /// <summary>A further pinned digest (an npm package's sha512 <c>dist.integrity</c>, or a catalog's MD5), checked in the same read as the SHA-256.</summary>
    public SubresourceIntegrity? Integrity { get; init; }
    /// <summary>Sent as a bearer token to the source's own host only; never logged or stored.</summary>
    public string? Token { get; init; }
    /// <summary>What to tell the user on 401/403, e.g. how to get a token for a gated model.</summary>
    public string? AccessHint { get; init; }

    /// <summary>Never prints the token (a record would print every property).</summary>
    public override string ToString() =>
        $"DownloadRequest {{ Url = {SourcePolicy.Describe(Url)}, Destination = {Destination}, Token = {(string.IsNullOrEmpty(Token) ? "none" : "(hidden)")} }}";
}

/// <summary>Time-out (between received bytes, not for the whole file) and retries with doubling back-off.</summary>
public sealed record DownloadOptions
{
    public const int DefaultTimeoutSeconds = 30;
    public const int MaxTimeoutSeconds = 3600;
    public const int DefaultMaxRetries = 3;
    public const int MaxRetriesLimit = 20;
    public const int DefaultRetryDelaySeconds = 2;
    public const int MaxRetryDelaySeconds = 600;

    /// <summary>The options as the install cmdlets take them: -TimeoutSec, -MaximumRetryCount, -RetryIntervalSec.</summary>
    public static DownloadOptions FromSeconds(int timeoutSeconds, int maxRetries, double retryDelaySeconds) => new()
    {
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromSeconds(retryDelaySeconds),
    };

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);
    public int MaxRetries { get; init; } = DefaultMaxRetries;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(DefaultRetryDelaySeconds);
}

/// <summary>How far a download is; Total is null when the server does not say.</summary>
public readonly record struct DownloadProgress(long Received, long? Total, double BytesPerSecond)
{
    public TimeSpan? Remaining => Total is { } total && BytesPerSecond > 0 ? TimeSpan.FromSeconds((total - Received) / BytesPerSecond) : null;
    public int? Percent => Total is > 0 and var total ? (int)Math.Min(100, Received * 100 / total) : null;
}

/// <summary>Where a download reports to: progress, and what happened in words (for -Verbose).</summary>
public sealed record DownloadObserver(Action<DownloadProgress> Progress, Action<string> Message)
{
    public static DownloadObserver None { get; } = new(_ => { }, _ => { });
}

/// <summary>A verified download, still under its <c>.partial</c> name for the caller to move into place.</summary>
public sealed record DownloadResult(string PartialPath, long Size, string Sha256, bool Resumed);
