namespace RmbgPS.Engine.Models;

/// <summary>What a model reveals about itself, gathered once when its session opens.</summary>
public sealed record ModelFacts(
    string Path,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames,
    IReadOnlyDictionary<string, string> Metadata,
    ModelDescriptor? Descriptor)
{
    /// <summary>The first input's shape as the graph declares it (a free axis is -1 or 0); empty when unknown.</summary>
    public IReadOnlyList<int> InputDimensions { get; init; } = [];
}

/// <summary>
/// Picks the processing profile for a model: an explicit choice, then the descriptor beside the file,
/// then the model's own metadata (key <c>rmbg.profile</c>), then its graph's shape (U²-Net), then its tensor
/// names, then its file name.
/// </summary>
public static class ProfileDetector
{
    public const string MetadataKey = "rmbg.profile";

    public static (ModelProfile Profile, string Reason) Detect(ModelFacts facts, string? explicitProfile = null)
    {
        if (explicitProfile is not null)
            return (Require(explicitProfile, "the -Profile argument"), "chosen explicitly");

        if (facts.Descriptor?.Profile is { } fromDescriptor)
            return (Require(fromDescriptor, $"the descriptor '{ModelDescriptor.PathFor(facts.Path)}'"), "from the descriptor beside the model");

        foreach (var key in new[] { MetadataKey, "profile" })
            if (facts.Metadata.TryGetValue(key, out var fromMetadata))
                return (Require(fromMetadata, $"the model's metadata key '{key}'"), $"from the model's metadata ({key})");

        // U²-Net as rembg ships it: a fixed 320x320 input and seven outputs (the fused mask and six side outputs).
        if (facts.InputDimensions is [_, 3, 320, 320] && facts.OutputNames.Count == 7)
            return (ModelProfiles.U2Net, "a 320x320 input and seven outputs (U²-Net)");

        var input = facts.InputNames.Count > 0 ? facts.InputNames[0] : "";
        if (input == "pixel_values")
            return (ModelProfiles.Rmbg2, "input tensor 'pixel_values' (RMBG-2.0 export)");
        if (input == "input_image")
            return (ModelProfiles.BiRefNet, "input tensor 'input_image' (BiRefNet export)");

        var file = System.IO.Path.GetFileNameWithoutExtension(facts.Path).ToLowerInvariant().Replace('_', '-'); // rembg's names, spelt either way
        if (file.Contains("birefnet"))
            return (ModelProfiles.BiRefNet, "file name");
        if (file.Contains("rmbg-2") || file.Contains("rmbg2"))
            return (ModelProfiles.Rmbg2, "file name");
        if (file.Contains("u2net") || file.Contains("silueta"))
            return (ModelProfiles.U2Net, "file name");
        if (file.Contains("isnet-general-use"))
            return (ModelProfiles.IsnetRembg, "file name (rembg's isnet-general-use)");
        if (file.Contains("isnet-anime"))
            return (ModelProfiles.IsnetAnime, "file name (rembg's isnet-anime)");
        if (file.Contains("isnet") || file.Contains("imgly"))
            return (ModelProfiles.Isnet, "file name");
        if (file.Contains("rmbg"))
            return (ModelProfiles.Rmbg14, "file name");

        if (input == "input")
            return (ModelProfiles.Rmbg14, "input tensor 'input' (RMBG-1.4/ISNet export)");

        throw new InvalidDataException(
            $"Cannot tell which pre-processing the model '{facts.Path}' needs (input '{input}'). " +
            $"Create '{ModelDescriptor.PathFor(facts.Path)}' containing {{\"profile\": \"<name>\"}} with one of: {ModelProfiles.KnownNames}.");
    }

    private static ModelProfile Require(string name, string where) =>
        ModelProfiles.Find(name) ?? throw new InvalidDataException(
            $"Unknown model profile '{name}' in {where}. Known profiles: {ModelProfiles.KnownNames}.");
}
