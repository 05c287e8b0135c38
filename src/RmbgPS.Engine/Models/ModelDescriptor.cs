using System.Text.Json;
using System.Text.Json.Serialization;

namespace RmbgPS.Engine.Models;

/// <summary>
/// The small JSON file that may sit beside a model (<c>name.json</c> next to <c>name.onnx</c>): it names
/// the profile when neither the model's metadata nor its tensor names tell, and records where it came from.
/// Install-RmbgModel writes one for every model it puts in the store; it never holds a token.
/// </summary>
public sealed class ModelDescriptor
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("variant")] public string? Variant { get; set; }
    [JsonPropertyName("profile")] public string? Profile { get; set; }
    [JsonPropertyName("input")] public string? Input { get; set; }
    [JsonPropertyName("output")] public string? Output { get; set; }
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("sha256")] public string? Sha256 { get; set; }
    [JsonPropertyName("size")] public long? Size { get; set; }
    [JsonPropertyName("license")] public string? License { get; set; }
    [JsonPropertyName("licenseUrl")] public string? LicenseUrl { get; set; }
    /// <summary>When the user accepted non-commercial or copyleft terms for this file, if they had to.</summary>
    [JsonPropertyName("licenseAccepted")] public DateTimeOffset? LicenseAccepted { get; set; }
    [JsonPropertyName("installed")] public DateTimeOffset? Installed { get; set; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".json");

    /// <summary>Writes this descriptor beside a model, whole or not at all.</summary>
    public void WriteFor(string modelPath) => Write(PathFor(modelPath));

    public void Write(string path) =>
        Files.AtomicFile.Write(path, overwrite: true, stream => JsonSerializer.Serialize(stream, this, Options));

    /// <summary>Reads the descriptor beside a model, or null when there is none.</summary>
    public static ModelDescriptor? TryReadFor(string modelPath)
    {
        var path = PathFor(modelPath);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ModelDescriptor>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model descriptor '{path}' is not valid JSON ({e.Message}). Fix it or delete it.", e);
        }
    }
}
