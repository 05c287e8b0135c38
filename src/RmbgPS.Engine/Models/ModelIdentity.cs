using System.Collections.Concurrent;
using System.Security.Cryptography;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Engine.Models;

/// <summary>
/// A model as another machine must find it: by its store name when it is installed (each machine has its own store),
/// else by its path; and its SHA-256, so that "the same model" means the same bytes.
/// </summary>
public sealed record ModelIdentity(string Reference, string Sha256)
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();

    /// <summary>The identity of a located model; the hash is computed once per file and process (its size and time unchanged).</summary>
    public static ModelIdentity Of(ModelLocation location, ModelStore store)
    {
        var path = System.IO.Path.GetFullPath(location.Path);
        var inStore = path.StartsWith(store.Root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var reference = inStore && System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path)) is { } name
            ? $"{name}:{System.IO.Path.GetFileNameWithoutExtension(path)}"
            : path;
        return new ModelIdentity(reference, HashOf(path));
    }

    /// <summary>The SHA-256 of a file, upper-case hex as Get-FileHash writes it.</summary>
    public static string HashOf(string path)
    {
        var file = new FileInfo(path);
        return Hashes.GetOrAdd((file.FullName, file.Length, file.LastWriteTimeUtc), key =>
        {
            using var stream = new FileStream(key.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexString(SHA256.HashData(stream));
        });
    }
}
