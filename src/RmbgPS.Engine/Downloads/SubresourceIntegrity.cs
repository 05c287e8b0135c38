using System.Security.Cryptography;

namespace RmbgPS.Engine.Downloads;

/// <summary>
/// A pinned digest in the Subresource Integrity form npm records as a package's <c>dist.integrity</c>:
/// <c>sha512-&lt;base64 digest&gt;</c>. Of several space-separated hashes the strongest known one counts
/// (sha512, sha384, sha256); others (npm's old sha1) are ignored, as the SRI rules say. An MD5 pin in hexadecimal
/// (<see cref="FromMd5Hex"/>, rembg's only record of its models) is checked the same way but never parsed from SRI text.
/// </summary>
public sealed class SubresourceIntegrity
{
    private static readonly (string Prefix, HashAlgorithmName Algorithm, int Bytes)[] Known =
    [
        ("sha512", HashAlgorithmName.SHA512, 64),
        ("sha384", HashAlgorithmName.SHA384, 48),
        ("sha256", HashAlgorithmName.SHA256, 32),
    ];

    private readonly string prefix;
    private readonly byte[] digest;

    private SubresourceIntegrity(string prefix, HashAlgorithmName algorithm, byte[] digest)
    {
        this.prefix = prefix;
        Algorithm = algorithm;
        this.digest = digest;
    }

    public HashAlgorithmName Algorithm { get; }

    public static bool TryParse(string? text, out SubresourceIntegrity? integrity)
    {
        integrity = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        foreach (var (prefix, algorithm, bytes) in Known) // strongest first
            foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var value = token.Split('?')[0]; // SRI options after '?' carry nothing to check
                if (!value.StartsWith(prefix + "-", StringComparison.Ordinal))
                    continue;
                var decoded = new byte[bytes];
                if (!Convert.TryFromBase64String(value[(prefix.Length + 1)..], decoded, out var written) || written != bytes)
                    return false; // a known algorithm with a broken digest: a typo, not something to skip
                integrity = new SubresourceIntegrity(prefix, algorithm, decoded);
                return true;
            }
        return false;
    }

    /// <summary>An MD5 digest given as 32 hexadecimal digits, written back the way rembg writes it (<c>md5:…</c>).</summary>
    public static SubresourceIntegrity FromMd5Hex(string hex)
    {
        if (hex.Length != 32 || !hex.All(Uri.IsHexDigit))
            throw new FormatException($"'{hex}' is not an MD5 digest: expected 32 hexadecimal digits.");
        return new SubresourceIntegrity("md5", HashAlgorithmName.MD5, Convert.FromHexString(hex));
    }

    /// <summary>Parses an integrity string; <see cref="FormatException"/> when it holds no usable hash.</summary>
    public static SubresourceIntegrity Parse(string text) =>
        TryParse(text, out var integrity) ? integrity! : throw new FormatException(
            $"'{text}' is not an integrity string: expected sha512-, sha384- or sha256- followed by the base64 digest, as npm's dist.integrity.");

    public bool Matches(ReadOnlySpan<byte> actual) => CryptographicOperations.FixedTimeEquals(actual, digest);

    /// <summary>A digest of this integrity's algorithm written the same way, for messages.</summary>
    public string Format(ReadOnlySpan<byte> actual) =>
        Algorithm == HashAlgorithmName.MD5 ? $"{prefix}:{Convert.ToHexString(actual).ToLowerInvariant()}" : $"{prefix}-{Convert.ToBase64String(actual)}";

    public override string ToString() => Format(digest);

    /// <summary>What differs between a file's hashes (<see cref="HashFileAsync"/>) and the pins, in words, or null when nothing does.</summary>
    public static string? Mismatch(string sha256, byte[]? digest, string? pinnedSha256, SubresourceIntegrity? pinned)
    {
        if (pinnedSha256 is not null && !pinnedSha256.Equals(sha256, StringComparison.OrdinalIgnoreCase))
            return $"its SHA-256 is {sha256}, expected {pinnedSha256.ToLowerInvariant()}";
        if (pinned is not null && (digest is null || !pinned.Matches(digest)))
            return $"its {(pinned.Algorithm == HashAlgorithmName.MD5 ? "MD5" : "integrity")} is {(digest is null ? "unknown" : pinned.Format(digest))}, expected {pinned}";
        return null;
    }

    /// <summary>
    /// Reads a file once for its SHA-256 (hex, what the store records) and, when an integrity is given,
    /// the digest of that integrity's algorithm.
    /// </summary>
    public static async Task<(string Sha256, byte[]? Digest)> HashFileAsync(string path, SubresourceIntegrity? integrity, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var other = integrity is null ? null : IncrementalHash.CreateHash(integrity.Algorithm);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            other?.AppendData(buffer, 0, read);
        }
        return (Convert.ToHexString(sha256.GetHashAndReset()).ToLowerInvariant(), other?.GetHashAndReset());
    }
}
