using System.Security.Cryptography;
using RmbgPS.Engine.Downloads;

namespace RmbgPS.Engine.Models.Store;

/// <summary>A model file copied into the store's <c>.partial</c> name in one read that also hashes it.</summary>
internal static class HashedCopy
{
    /// <summary>Copies while hashing: the SHA-256 (what the store records) and, when pinned, the digest of <paramref name="pinned"/>'s algorithm.</summary>
    public static (long Size, string Sha256, byte[]? Digest) Copy(string source, string partial, SubresourceIntegrity? pinned, DownloadObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var other = pinned is null ? null : IncrementalHash.CreateHash(pinned.Algorithm);
            var buffer = new byte[1 << 20];
            var total = input.Length;
            // (flushed to disk below, before the file can be renamed into place)
            long copied = 0;
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                other?.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
                copied += read;
                if (copied % (32 << 20) < read || copied == total)
                    observer.Progress(new DownloadProgress(copied, total, 0));
            }
            output.Flush(flushToDisk: true);
            return (copied, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), other?.GetHashAndReset());
        }
        catch
        {
            Files.AtomicFile.TryDelete(partial);
            throw;
        }
    }
}
