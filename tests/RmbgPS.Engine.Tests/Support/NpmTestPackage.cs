using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RmbgPS.Tests;

/// <summary>
/// A real npm package tarball (gzip-compressed tar, files under <c>package/</c>) laid out as IMG.LY's: each
/// resource cut into chunks named by their SHA-256 in <c>dist/</c>, listed in <c>dist/resources.json</c>.
/// The parts can be spoiled one at a time, for the tests of what a broken package does.
/// </summary>
internal sealed class NpmTestPackage
{
    public sealed record Chunk(string Hash, byte[] Data, long Start, long End);

    private readonly Dictionary<string, (byte[] Data, List<Chunk> Chunks)> resources = new(StringComparer.Ordinal);

    /// <summary>Incompressible bytes that make the tarball big enough to cut a download of it in the middle.</summary>
    public byte[] Filler { get; init; } = RandomNumberGenerator.GetBytes(256 * 1024);

    public NpmTestPackage Add(string resource, byte[] data, int chunkSize)
    {
        var chunks = new List<Chunk>();
        for (var start = 0; start < data.Length; start += chunkSize)
        {
            var part = data[start..Math.Min(data.Length, start + chunkSize)];
            chunks.Add(new Chunk(Sha256(part), part, start, start + part.Length));
        }
        resources[resource] = (data, chunks);
        return this;
    }

    public IReadOnlyList<Chunk> ChunksOf(string resource) => resources[resource].Chunks;

    /// <summary>dist/resources.json as the package would have it; <paramref name="edit"/> changes it first.</summary>
    public string Index(Action<JsonObject>? edit = null)
    {
        var index = new JsonObject();
        foreach (var (name, (data, chunks)) in resources)
            index[name] = new JsonObject
            {
                ["chunks"] = new JsonArray(chunks.Select(c => (JsonNode)new JsonObject { ["hash"] = c.Hash, ["offsets"] = new JsonArray(c.Start, c.End) }).ToArray()),
                ["size"] = data.Length,
                ["mime"] = "application/octet-steam",
            };
        edit?.Invoke(index);
        return index.ToJsonString();
    }

    /// <summary>
    /// The .tgz: package.json, code, the filler, every chunk (in the reverse of their order, as a registry
    /// that sorts names would), then resources.json last, as in the real package. <paramref name="chunkData"/>
    /// may replace a chunk's bytes (or drop it by returning null).
    /// </summary>
    public byte[] Build(Action<JsonObject>? editIndex = null, Func<Chunk, byte[]?>? chunkData = null)
    {
        var files = new List<(string Path, byte[] Data)>
        {
            ("package.json", Encoding.UTF8.GetBytes("""{ "name": "@test/models", "version": "2.0.1" }""")),
            ("dist/index.cjs", Encoding.UTF8.GetBytes("module.exports = {};")),
            ("dist/filler.bin", Filler),
        };
        foreach (var chunk in resources.Values.SelectMany(r => r.Chunks).Reverse())
            if ((chunkData is null ? chunk.Data : chunkData(chunk)) is { } data)
                files.Add(($"dist/{chunk.Hash}", data));
        files.Add(("dist/resources.json", Encoding.UTF8.GetBytes(Index(editIndex))));
        return Tgz(files);
    }

    public static byte[] Tgz(IEnumerable<(string Path, byte[] Data)> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
            foreach (var (path, data) in files)
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "package/" + path) { DataStream = new MemoryStream(data) });
        return output.ToArray();
    }

    public static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    public static string Integrity(byte[] data) => "sha512-" + Convert.ToBase64String(SHA512.HashData(data));
}
