using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using RmbgPS.Engine.Files;

namespace RmbgPS.Engine.Downloads;

/// <summary>
/// Streams a file to <c>&lt;destination&gt;.partial</c>, resumes it with an HTTP Range request after an
/// interruption (in the same call, with retries and back-off, or in a later one), and verifies its size
/// and pinned digests (SHA-256, and an npm-style integrity) in one read. It never creates the destination
/// itself: the caller moves the verified file into place, so nothing that looks installed exists before
/// the check passed.
/// </summary>
public static class ModelDownloader
{
    public const string PartialSuffix = ".partial";

    /// <summary>The resume record kept beside a partial download: what it belongs to, so only the same file resumes.</summary>
    public static string ResumeRecordFor(string partialPath) => partialPath + ".json";
    private const int MaxRedirects = 10;
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    // One client per process: the system proxy and its credentials (the .NET defaults) apply; redirects
    // are followed by hand so every hop is checked and a token never travels to another host.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = true,
        DefaultProxyCredentials = CredentialCache.DefaultCredentials,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("RmbgPS", typeof(ModelDownloader).Assembly.GetName().Version?.ToString(3)) } },
    };

    /// <summary>What the .partial file belongs to, so a later call resumes only the same file.</summary>
    public static async Task<DownloadResult> DownloadAsync(DownloadRequest request, DownloadOptions options, DownloadObserver observer, CancellationToken cancellationToken)
    {
        SourcePolicy.EnsureAllowed(request.Url);
        var url = SourcePolicy.Describe(request.Url);
        var partial = request.Destination + PartialSuffix;
        var statePath = ResumeRecordFor(partial);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(partial))!);

        var state = ResumeState.Read(statePath);
        if (state is null || state.Url != url)
            Files.AtomicFile.TryDelete(partial);
        else if (File.Exists(partial))
            observer.Message($"Found {new FileInfo(partial).Length:N0} bytes of an earlier download of '{url}'; resuming.");

        var resumed = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                resumed |= await FetchAsync(request, url, partial, statePath, options, observer, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (DownloadException e) when (e.Transient && attempt < options.MaxRetries)
            {
                var delay = RetryDelay(options, attempt);
                observer.Message($"{e.Message} Retrying in {delay.TotalSeconds:0.#} s (attempt {attempt + 2} of {options.MaxRetries + 1}).");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadException e) when (e.Transient)
            {
                // Out of retries: every transient failure gets the same way on, whichever step it came from.
                throw new DownloadException(e.Kind, e.Url,
                    $"{e.Message} Gave up after {options.MaxRetries + 1} attempts. Run the same command again (the download resumes where it stopped), or raise -MaximumRetryCount or -TimeoutSec.",
                    e.InnerException);
            }
        }

        var size = new FileInfo(partial).Length;
        if (request.ExpectedSize is { } expected && size != expected)
            throw Discard(partial, statePath, new DownloadException(DownloadErrorKind.SizeMismatch, url,
                $"The file from '{url}' has {size:N0} bytes, but {expected:N0} were expected. It was deleted; check the source, or whether the catalog entry is out of date."));
        observer.Message($"Verifying {size:N0} bytes.");
        var (sha, digest) = await SubresourceIntegrity.HashFileAsync(partial, request.Integrity, cancellationToken).ConfigureAwait(false);
        var mismatch = SubresourceIntegrity.Mismatch(sha, digest, request.Sha256, request.Integrity);
        if (mismatch is not null)
            throw Discard(partial, statePath, new DownloadException(DownloadErrorKind.ChecksumMismatch, url,
                $"The file from '{url}' is damaged or not the expected one: {mismatch}. It was deleted. Try again; if it keeps failing, the source (or a proxy) serves another file."));
        Files.AtomicFile.TryDelete(statePath);
        return new DownloadResult(partial, size, sha, resumed);
    }

    /// <summary>One attempt: appends to the partial file until the server's length is reached. True when it resumed.</summary>
    private static async Task<bool> FetchAsync(DownloadRequest request, string url, string partial, string statePath,
        DownloadOptions options, DownloadObserver observer, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        var state = existing > 0 ? ResumeState.Read(statePath) : null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var response = await SendAsync(request, url, existing, state, options, timeout.Token, cancellationToken).ConfigureAwait(false);

        long? total;
        var append = false;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: var from, Length: var length } && from == existing:
                append = true;
                total = length;
                observer.Message($"Resuming '{url}' at byte {existing:N0}.");
                break;
            case HttpStatusCode.PartialContent:
                Files.AtomicFile.TryDelete(partial); // a range we did not ask for: trust nothing of it
                throw new DownloadException(DownloadErrorKind.ServerError, url, $"'{url}' answered with another byte range than asked for; starting over.", transient: true);
            case HttpStatusCode.RequestedRangeNotSatisfiable when existing > 0:
                if (response.Content.Headers.ContentRange?.Length == existing)
                    return true; // the earlier attempt had already received everything
                Files.AtomicFile.TryDelete(partial);
                throw new DownloadException(DownloadErrorKind.ServerError, url, $"The server refused to resume '{url}'; starting over.", transient: true);
            case HttpStatusCode.OK:
                if (existing > 0)
                    observer.Message($"The server sent '{url}' from the start (it cannot resume, or the file changed); starting over.");
                total = response.Content.Headers.ContentLength;
                break;
            default:
                throw DownloadErrors.StatusError(response, request, url);
        }

        if (request.ExpectedSize is { } expected && total is { } offered && offered != expected)
            throw Discard(partial, statePath, new DownloadException(DownloadErrorKind.SizeMismatch, url,
                $"'{url}' offers {offered:N0} bytes, but the model has {expected:N0}. Nothing was kept; check the -Source, or whether the catalog entry is out of date."));
        EnsureSpace(partial, url, (total ?? request.ExpectedSize ?? 0) - (append ? existing : 0));
        // The file first (truncating a stale one), then the record that says which file it is: the other
        // order could pair a new record with old bytes and splice two versions on the next resume.
        await using var file = OpenPartial(partial, append, url);
        ResumeState.Write(statePath, new ResumeState(url, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), total));

        var received = append ? existing : 0;
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        var buffer = new byte[BufferSize];
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var startedAt = received;
        while (true)
        {
            timeout.CancelAfter(options.Timeout); // a time-out between bytes, not for the whole file
            int read;
            try
            {
                read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw DownloadErrors.TimedOut(url, options);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new DownloadException(DownloadErrorKind.ServerError, url, $"The connection to '{url}' was cut after {received:N0} bytes ({e.Message}).", e, transient: true);
            }
            if (read == 0)
                break;
            try
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw DownloadErrors.WriteError(e, partial, url);
            }
            received += read;
            if (clock.Elapsed - lastReport >= ProgressInterval)
            {
                lastReport = clock.Elapsed;
                observer.Progress(new DownloadProgress(received, total, (received - startedAt) / clock.Elapsed.TotalSeconds));
            }
        }
        observer.Progress(new DownloadProgress(received, total, (received - startedAt) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3)));
        file.Flush(flushToDisk: true); // on disk before it can be renamed into place
        if (total is { } expectedTotal && received != expectedTotal)
            throw new DownloadException(DownloadErrorKind.ServerError, url, $"The connection to '{url}' ended after {received:N0} of {expectedTotal:N0} bytes.", transient: true);
        return append;
    }

    /// <summary>Sends the GET (with a Range when resuming) and follows redirects, checking each hop.</summary>
    private static async Task<HttpResponseMessage> SendAsync(DownloadRequest request, string url, long existing, ResumeState? state,
        DownloadOptions options, CancellationToken timeoutToken, CancellationToken cancellationToken)
    {
        var target = request.Url;
        for (var hop = 0; ; hop++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, target);
            if (request.Token is { Length: > 0 } token && SameOrigin(target, request.Url))
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (existing > 0)
            {
                message.Headers.Range = new RangeHeaderValue(existing, null);
                // Resume only the same file: if it changed on the server, the server sends all of it.
                if (state?.ETag is { } etag && !etag.StartsWith("W/", StringComparison.Ordinal))
                    message.Headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(etag));
                else if (state?.LastModified is { } modified && DateTimeOffset.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                    message.Headers.IfRange = new RangeConditionHeaderValue(date);
            }

            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeoutToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw DownloadErrors.TimedOut(url, options);
            }
            catch (HttpRequestException e)
            {
                throw DownloadErrors.NetworkError(e, url);
            }

            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= MaxRedirects)
                    throw new DownloadException(DownloadErrorKind.ServerError, url, $"'{url}' redirected more than {MaxRedirects} times.");
                target = location.IsAbsoluteUri ? location : new Uri(target, location);
                if (!SourcePolicy.IsAllowed(target))
                    throw new DownloadException(DownloadErrorKind.InsecureSource, url,
                        $"'{url}' redirected to '{SourcePolicy.Describe(target)}', which is not HTTPS; refusing to follow.");
                continue;
            }
            return response;
        }
    }

    /// <summary>Scheme, host and port: a token for https://host never goes to http://host or https://host:8443.</summary>
    private static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Doubling back-off, capped at a minute (or the first interval, if that is longer).</summary>
    internal static TimeSpan RetryDelay(DownloadOptions options, int attempt)
    {
        var cap = Math.Max(options.RetryDelay.TotalSeconds, 60);
        return TimeSpan.FromSeconds(Math.Min(options.RetryDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt, 30)), cap));
    }

    internal static void EnsureSpace(string partial, string url, long needed)
    {
        if (needed <= 0)
            return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(partial))!;
        long available;
        try
        {
            available = new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return; // unknown: the write itself will tell
        }
        if (available < needed)
            throw new DownloadException(DownloadErrorKind.DiskFull, url,
                $"Not enough disk space for '{url}': it needs {ByteSize.Megabytes(needed)} in '{folder}', which has {ByteSize.Megabytes(available)} free. Free some space, or set $env:RMBG_MODEL_HOME to a folder on a larger disk.");
    }

    private static FileStream OpenPartial(string partial, bool append, string url)
    {
        try
        {
            return new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DownloadErrors.WriteError(e, partial, url);
        }
    }


    private static DownloadException Discard(string partial, string statePath, DownloadException error)
    {
        Files.AtomicFile.TryDelete(partial);
        Files.AtomicFile.TryDelete(statePath);
        return error;
    }
}
