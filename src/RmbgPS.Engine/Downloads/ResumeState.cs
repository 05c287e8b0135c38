using System.Text.Json;

namespace RmbgPS.Engine.Downloads;

/// <summary>
/// What a .partial download was fetched from (URL, validators, length), kept beside it: a resume asks the server for
/// the rest of that same file only, and starts over when the file changed.
/// </summary>
internal sealed record ResumeState(string Url, string? ETag, string? LastModified, long? Total)
{
    public static ResumeState? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null; // unreadable: start over rather than resume a file we cannot vouch for
        }
    }

    public static void Write(string path, ResumeState state) => File.WriteAllText(path, JsonSerializer.Serialize(state));
}
