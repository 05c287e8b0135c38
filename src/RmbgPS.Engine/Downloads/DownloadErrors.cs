using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace RmbgPS.Engine.Downloads;

/// <summary>What a failed download tells the user: the HTTP status, the network, silence or the disk, each with what to do.</summary>
internal static class DownloadErrors
{
    internal static DownloadException StatusError(HttpResponseMessage response, DownloadRequest request, string url)
    {
        var code = (int)response.StatusCode;
        var reason = $"{code} {response.ReasonPhrase}";
        if (response.Headers.TryGetValues("X-Error-Message", out var serverSays))
            reason += $": {string.Join(" ", serverSays)}";
        return code switch
        {
            401 or 403 => new DownloadException(DownloadErrorKind.AccessDenied, url,
                $"Access to '{url}' was denied ({reason}). {request.AccessHint ?? "The source needs credentials this download did not have."}"),
            404 => new DownloadException(DownloadErrorKind.NotFound, url,
                $"'{url}' was not found ({reason}). Check the -Source URL or mirror; the file may have moved."),
            408 or 429 or >= 500 => new DownloadException(DownloadErrorKind.ServerError, url, $"'{url}' answered {reason}.", transient: true),
            _ => new DownloadException(DownloadErrorKind.ServerError, url, $"'{url}' answered {reason}."),
        };
    }

    internal static DownloadException NetworkError(HttpRequestException e, string url)
    {
        var offline = e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
            || e.InnerException is SocketException;
        // A name that does not resolve means offline or a wrong mirror: retrying only makes the user wait.
        var transient = e.HttpRequestError != HttpRequestError.NameResolutionError;
        return offline
            ? new DownloadException(DownloadErrorKind.NetworkUnavailable, url,
                $"Cannot reach '{url}' ({e.Message}). Check the network or proxy ($env:HTTPS_PROXY), or download the model on another machine and register the file here with Install-RmbgModel -Path <file.onnx> -Name <name>.",
                e, transient)
            : new DownloadException(DownloadErrorKind.ServerError, url, $"Downloading '{url}' failed: {e.Message}", e, transient: true);
    }

    internal static DownloadException TimedOut(string url, DownloadOptions options) =>
        new(DownloadErrorKind.TimedOut, url,
            $"'{url}' sent nothing for {options.Timeout.TotalSeconds:0.#} s. Try again (the download resumes), raise -TimeoutSec, or download the file elsewhere and register it with Install-RmbgModel -Path.",
            transient: true);

    internal static DownloadException WriteError(Exception e, string partial, string url)
    {
        // ENOSPC on Unix; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
        if (e is IOException && (e.HResult is 28 || (e.HResult & 0xFFFF) is 0x70 or 0x27))
        {
            Files.AtomicFile.TryDelete(partial);
            return new DownloadException(DownloadErrorKind.DiskFull, url,
                $"The disk filled up while downloading '{url}' to '{partial}' (deleted). Free some space, or set $env:RMBG_MODEL_HOME to a folder on a larger disk.", e);
        }
        return new DownloadException(DownloadErrorKind.WriteFailed, url,
            $"Cannot write '{partial}': {e.Message} Check that the model store is writable and that no other Install-RmbgModel is downloading the same model.", e);
    }
}
