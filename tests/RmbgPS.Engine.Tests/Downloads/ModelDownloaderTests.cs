using System.Security.Cryptography;
using RmbgPS.Engine.Downloads;

namespace RmbgPS.Tests;

/// <summary>Downloads against a real HTTP server on 127.0.0.1 that behaves like a CDN, or misbehaves on purpose.</summary>
public sealed class ModelDownloaderTests : IDisposable
{
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 3, RetryDelay = TimeSpan.Zero };

    private readonly TempFolder folder = new();
    private readonly byte[] payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
    private readonly List<DownloadProgress> progress = [];
    private readonly List<string> messages = [];

    public void Dispose() => folder.Dispose();

    private string Destination => folder.File(Path.Combine("m", "fp32.onnx"));
    private string Sha => Convert.ToHexString(SHA256.HashData(payload)).ToLowerInvariant();
    private DownloadObserver Observer => new(p => { lock (progress) progress.Add(p); }, m => { lock (messages) messages.Add(m); });

    private DownloadResult Download(LoopbackHttpServer server, DownloadOptions? options = null, string? sha = null, long? size = null, string? token = null, string path = "file.onnx") =>
        ModelDownloader.DownloadAsync(new DownloadRequest(server.Url(path), Destination) { Sha256 = sha, ExpectedSize = size, Token = token, AccessHint = "Get a token." },
            options ?? Quick, Observer, CancellationToken.None).GetAwaiter().GetResult();

    private DownloadException Fails(LoopbackHttpServer server, DownloadOptions? options = null, string? sha = null, long? size = null, string? token = null) =>
        Assert.Throws<DownloadException>(() => Download(server, options, sha, size, token));

    /// <summary>Nothing that looks installed: no destination, and no partial file unless it can be resumed.</summary>
    private void AssertNothingInstalled(bool partialExpected = false)
    {
        Assert.False(File.Exists(Destination));
        Assert.Equal(partialExpected, File.Exists(Destination + ModelDownloader.PartialSuffix));
    }

    [Fact]
    public void A_whole_download_is_verified_and_left_under_its_partial_name_with_progress_reported()
    {
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r));
        var result = Download(server, sha: Sha, size: payload.Length);

        Assert.Equal(Destination + ModelDownloader.PartialSuffix, result.PartialPath);
        Assert.Equal(payload, File.ReadAllBytes(result.PartialPath));
        Assert.Equal(Sha, result.Sha256);
        Assert.False(result.Resumed);
        Assert.False(File.Exists(Destination), "the caller moves the file into place, not the downloader");
        Assert.False(File.Exists(result.PartialPath + ".json"), "the resume record is gone once the file is complete");
        var last = progress.Last();
        Assert.Equal(payload.Length, last.Received);
        Assert.Equal(payload.Length, last.Total);
        Assert.Equal(100, last.Percent);
        Assert.Null(Assert.Single(server.Requests).Header("Authorization"));
    }

    [Fact]
    public void A_cut_connection_is_resumed_with_a_Range_request_in_the_same_call()
    {
        var cut = 1_000_000;
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r, cutAfter: r.Header("Range") is null ? cut : null));
        var result = Download(server, sha: Sha, size: payload.Length);

        Assert.True(result.Resumed);
        Assert.Equal(payload, File.ReadAllBytes(result.PartialPath));
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        var range = requests[1].Header("Range")!;
        Assert.StartsWith("bytes=", range);
        Assert.InRange(long.Parse(range[6..].TrimEnd('-')), 1, cut);
        Assert.Equal("\"v1\"", requests[1].Header("If-Range"));
        Assert.Contains(messages, m => m.Contains("Resuming"));
    }

    [Fact]
    public void An_interrupted_download_resumes_in_a_later_call_and_never_looks_installed_meanwhile()
    {
        var healthy = false;
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r, cutAfter: healthy ? null : 1_500_000));
        var e = Fails(server, Quick with { MaxRetries = 0 }, sha: Sha);
        Assert.Equal(DownloadErrorKind.ServerError, e.Kind);
        AssertNothingInstalled(partialExpected: true);
        var kept = new FileInfo(Destination + ModelDownloader.PartialSuffix).Length;
        Assert.InRange(kept, 1, 1_500_000);

        healthy = true;
        var result = Download(server, sha: Sha);
        Assert.True(result.Resumed);
        Assert.Equal(payload, File.ReadAllBytes(result.PartialPath));
        Assert.Equal($"bytes={kept}-", server.Requests.Last().Header("Range"));
    }

    [Fact]
    public void When_the_file_changed_on_the_server_the_resume_starts_over()
    {
        var etag = "\"v1\"";
        var data = payload;
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(data, r, etag, cutAfter: etag == "\"v1\"" ? 1_000_000 : null));
        Fails(server, Quick with { MaxRetries = 0 });

        var changed = RandomNumberGenerator.GetBytes(2_000_000);
        (data, etag) = (changed, "\"v2\"");
        var result = Download(server, sha: Convert.ToHexString(SHA256.HashData(changed)));
        Assert.Equal(changed, File.ReadAllBytes(result.PartialPath));
        Assert.Contains(messages, m => m.Contains("starting over"));
    }

    [Fact]
    public void A_wrong_checksum_deletes_the_download()
    {
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r));
        var e = Fails(server, sha: new string('0', 64));
        Assert.Equal(DownloadErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains(Sha, e.Message);
        Assert.Contains("deleted", e.Message);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_pinned_integrity_is_checked_with_the_SHA_256_and_a_mismatch_deletes_the_download()
    {
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r));
        var integrity = SubresourceIntegrity.Parse("sha512-" + Convert.ToBase64String(SHA512.HashData(payload)));
        DownloadResult Run(SubresourceIntegrity pin) => ModelDownloader.DownloadAsync(new DownloadRequest(server.Url("file.onnx"), Destination) { Sha256 = Sha, Integrity = pin },
            Quick, Observer, CancellationToken.None).GetAwaiter().GetResult();

        Assert.Equal(Sha, Run(integrity).Sha256);

        var other = SubresourceIntegrity.Parse("sha512-" + Convert.ToBase64String(SHA512.HashData(payload.AsSpan(1))));
        var e = Assert.Throws<DownloadException>(() => Run(other));
        Assert.Equal(DownloadErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains($"its integrity is {integrity}, expected {other}", e.Message);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_server_offering_another_size_than_the_catalog_is_refused_before_downloading()
    {
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r));
        var e = Fails(server, size: payload.Length + 1);
        Assert.Equal(DownloadErrorKind.SizeMismatch, e.Kind);
        AssertNothingInstalled();
    }

    [Fact]
    public void Unauthorized_says_what_to_do_and_the_token_goes_only_in_the_header()
    {
        const string token = "hf_SecretTokenValue123";
        using var server = new LoopbackHttpServer(_ => ResponsePlan.Respond(401, "Unauthorized", ("X-Error-Message", "Access to model is restricted.")));
        var e = Fails(server, token: token);
        Assert.Equal(DownloadErrorKind.AccessDenied, e.Kind);
        Assert.Contains("Get a token.", e.Message);
        Assert.Contains("restricted", e.Message);
        Assert.DoesNotContain(token, e.ToString());
        Assert.DoesNotContain(messages, m => m.Contains(token));
        Assert.Equal($"Bearer {token}", Assert.Single(server.Requests).Header("Authorization"));
        AssertNothingInstalled();
    }

    [Fact]
    public void Not_found_is_not_retried()
    {
        using var server = new LoopbackHttpServer(_ => ResponsePlan.Respond(404, "Not Found"));
        var e = Fails(server);
        Assert.Equal(DownloadErrorKind.NotFound, e.Kind);
        Assert.Single(server.Requests);
    }

    [Fact]
    public void A_transient_server_error_is_retried()
    {
        var calls = 0;
        using var server = new LoopbackHttpServer(r => Interlocked.Increment(ref calls) == 1 ? ResponsePlan.Respond(503, "Service Unavailable") : ResponsePlan.File(payload, r));
        var result = Download(server, sha: Sha);
        Assert.Equal(payload.Length, result.Size);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(messages, m => m.Contains("503") && m.Contains("Retrying"));
    }

    [Fact]
    public void A_server_that_goes_silent_times_out_after_the_retries()
    {
        using var server = new LoopbackHttpServer(r => ResponsePlan.File(payload, r, cutAfter: 1000, stall: TimeSpan.FromSeconds(30)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Fails(server, new DownloadOptions { Timeout = TimeSpan.FromMilliseconds(500), MaxRetries = 1, RetryDelay = TimeSpan.Zero });
        Assert.Equal(DownloadErrorKind.TimedOut, e.Kind);
        Assert.Contains("-TimeoutSec", e.Message);
        Assert.Contains("Gave up after 2 attempts. Run the same command again (the download resumes", e.Message); // what to do once retries are spent
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(2, server.Requests.Count);
        AssertNothingInstalled(partialExpected: true);
    }

    [Fact]
    public void No_listener_is_network_unavailable_and_points_to_registering_a_file()
    {
        int port;
        using (var probe = new LoopbackHttpServer(_ => new ResponsePlan()))
            port = probe.BaseUri.Port;
        var e = Assert.Throws<DownloadException>(() => ModelDownloader.DownloadAsync(
            new DownloadRequest(new Uri($"http://127.0.0.1:{port}/file.onnx"), Destination), Quick with { MaxRetries = 1 }, Observer, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(DownloadErrorKind.NetworkUnavailable, e.Kind);
        Assert.Contains("Install-RmbgModel -Path", e.Message);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_name_that_does_not_resolve_fails_at_once_without_retries()
    {
        // .invalid never resolves (RFC 2606), online or not.
        var e = Assert.Throws<DownloadException>(() => ModelDownloader.DownloadAsync(
            new DownloadRequest(new Uri("https://models.rmbgps.invalid/file.onnx"), Destination), Quick, Observer, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(DownloadErrorKind.NetworkUnavailable, e.Kind);
        Assert.DoesNotContain(messages, m => m.Contains("Retrying"));
        AssertNothingInstalled();
    }

    [Fact]
    public void Not_enough_disk_space_is_found_before_writing()
    {
        // The server claims a petabyte: more than any test machine has free.
        using var server = new LoopbackHttpServer(r => new ResponsePlan { DeclaredLength = 1L << 50 });
        var e = Fails(server, Quick with { MaxRetries = 0 });
        Assert.Equal(DownloadErrorKind.DiskFull, e.Kind);
        Assert.Contains("RMBG_MODEL_HOME", e.Message);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_full_disk_while_writing_is_reported_as_such()
    {
        if (!File.Exists("/dev/full"))
            return; // Linux only: the one device that fails every write with ENOSPC
        IOException full;
        try
        {
            using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            stream.Write(new byte[1 << 16]);
            stream.Flush();
            throw new InvalidOperationException("/dev/full accepted a write");
        }
        catch (IOException e)
        {
            full = e;
        }
        Assert.Equal(DownloadErrorKind.DiskFull, DownloadErrors.WriteError(full, Destination, "http://x/").Kind);
        Assert.Equal(DownloadErrorKind.WriteFailed, DownloadErrors.WriteError(new IOException("locked"), Destination, "http://x/").Kind);
    }

    [Theory]
    [InlineData("http://example.com/model.onnx", false)]
    [InlineData("ftp://127.0.0.1/model.onnx", false)]
    [InlineData("https://example.com/model.onnx", true)]
    [InlineData("http://127.0.0.1:8080/model.onnx", true)]
    [InlineData("http://localhost/model.onnx", true)]
    [InlineData("http://[::1]/model.onnx", true)]
    public void Only_https_or_loopback_http_is_allowed(string url, bool allowed)
    {
        Assert.Equal(allowed, SourcePolicy.IsAllowed(new Uri(url)));
        if (!allowed)
        {
            var e = Assert.Throws<DownloadException>(() => ModelDownloader.DownloadAsync(new DownloadRequest(new Uri(url), Destination), Quick, Observer, CancellationToken.None).GetAwaiter().GetResult());
            Assert.Equal(DownloadErrorKind.InsecureSource, e.Kind);
        }
    }

    [Theory]
    [InlineData("127.0.0.1")] // the same host on another port is another origin
    [InlineData("localhost")]
    public void Redirects_are_followed_and_the_token_stays_with_its_origin(string otherHost)
    {
        const string token = "hf_RedirectToken";
        using var cdn = new LoopbackHttpServer(r => ResponsePlan.File(payload, r));
        using var server = new LoopbackHttpServer(r => r.Path switch
        {
            "/file.onnx" => ResponsePlan.Respond(302, "Found", ("Location", "/resolve/file.onnx")),
            _ => ResponsePlan.Respond(307, "Temporary Redirect", ("Location", $"http://{otherHost}:{cdn.BaseUri.Port}/signed/file.onnx?sig=secret")),
        });
        var result = Download(server, sha: Sha, token: token);

        Assert.Equal(payload, File.ReadAllBytes(result.PartialPath));
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal($"Bearer {token}", server.Requests[1].Header("Authorization"));
        Assert.Null(Assert.Single(cdn.Requests).Header("Authorization"));
        Assert.DoesNotContain(messages, m => m.Contains("secret"));
    }
}
