namespace RmbgPS.Engine.Downloads;

/// <summary>Which URLs models may come from, and how they are shown.</summary>
public static class SourcePolicy
{
    /// <summary>HTTPS anywhere; plain HTTP only to this machine (tests, a local mirror).</summary>
    public static bool IsAllowed(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);

    public static void EnsureAllowed(Uri url)
    {
        if (!IsAllowed(url))
            throw new DownloadException(DownloadErrorKind.InsecureSource, Describe(url),
                $"Refusing to download from '{Describe(url)}': models are only downloaded over HTTPS (plain HTTP only from this machine, e.g. http://127.0.0.1). Use an https:// -Source.");
    }

    /// <summary>The URL as it may appear in messages: no user info, no query string (signed URLs carry secrets there).</summary>
    public static string Describe(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : url.OriginalString;
}
