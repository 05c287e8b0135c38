using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Engine.Models;

/// <summary>Which model file to use, and which setting chose it (for -Verbose and error messages).</summary>
public sealed record ModelLocation(string Path, string ChosenBy);

/// <summary>Raised when no model can be found; the message lists every place looked.</summary>
public sealed class ModelNotFoundException(string message) : FileNotFoundException(message);

/// <summary>
/// Finds the model: an explicit -Model, else the session's model (Set-RmbgDevice -Model or
/// Set-RmbgDefaultModel -Scope Process), else $env:RMBG_MODEL, else the store's default model, else the
/// most recently installed one. A model can be given as a path to a file, a folder holding .onnx files,
/// or a name in the store (<c>RMBG-2.0</c>, <c>RMBG-2.0:fp16</c>).
/// </summary>
public static class ModelLocator
{
    public const string ModelVariable = "RMBG_MODEL";
    public const string StoreVariable = "RMBG_MODEL_HOME";

    /// <summary>The model store: $env:RMBG_MODEL_HOME, else a per-user cache folder.</summary>
    public static string StoreFolder
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(StoreVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
                return System.IO.Path.GetFullPath(fromEnv);
            if (OperatingSystem.IsWindows())
                return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "RmbgPS", "models");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return System.IO.Path.Combine(string.IsNullOrWhiteSpace(cache) ? System.IO.Path.Combine(home, ".cache") : cache, "RmbgPS", "models");
        }
    }

    public static ModelLocation Locate(string? explicitModel, string? configuredModel, ModelStore? store = null)
    {
        store ??= ModelStore.Default;
        var looked = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitModel))
            return Resolve(explicitModel, "-Model", store, looked) ?? throw NotFound(store, looked, $"The model '{explicitModel}' given with -Model was not found.");
        if (!string.IsNullOrWhiteSpace(configuredModel))
            return Resolve(configuredModel, "the session's model (Set-RmbgDevice -Model)", store, looked) ?? throw NotFound(store, looked, $"The model '{configuredModel}' set for this session was not found.");

        var fromEnv = Environment.GetEnvironmentVariable(ModelVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Resolve(fromEnv, $"$env:{ModelVariable}", store, looked) ?? throw NotFound(store, looked, $"The model '{fromEnv}' named by $env:{ModelVariable} was not found.");
        looked.Add($"$env:{ModelVariable} (not set)");

        if (store.DefaultModel is { } userDefault)
        {
            if (Resolve(userDefault, "the default model (Set-RmbgDefaultModel)", store, looked) is { } location)
                return location;
            looked.Add($"the default model '{userDefault}' (no longer installed)");
        }

        if (store.Newest() is { } newest)
            return new ModelLocation(newest.Path, $"the most recently installed model in the store '{store.Root}' ({newest})");
        looked.Add($"the model store '{store.Root}' ({(Directory.Exists(store.Root) ? "no model installed" : "folder does not exist")})");
        throw NotFound(store, looked, "No background-removal model was found.");
    }

    /// <summary>
    /// A -Model value as the lookup should see it: a path (it has a separator, ends in .onnx, or names an existing file
    /// or folder) made full by <paramref name="resolvePath"/> from the caller's current location, never the process's
    /// (PowerShell's differs), so a missing file is reported where the user meant it; anything else, a model name
    /// (RMBG-2.0:fp16), as it is.
    /// </summary>
    public static string Normalize(string value, Func<string, string?> resolvePath)
    {
        var path = resolvePath(value);
        if (path is null)
            return value;
        return IsPathLike(value) || File.Exists(path) || Directory.Exists(path) ? path : value;
    }

    private static bool IsPathLike(string value) =>
        value.IndexOfAny(['/', '\\']) >= 0 || value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static ModelLocation? Resolve(string value, string chosenBy, ModelStore store, List<string> looked)
    {
        if (!IsPathLike(value) && !System.IO.Path.IsPathRooted(value) && ModelReference.TryParse(value, out var name))
            return FromStore(name, chosenBy, store, looked); // a bare name is a store name, not a file in the process's folder
        var asPath = System.IO.Path.GetFullPath(Environment.ExpandEnvironmentVariables(value));
        if (File.Exists(asPath))
            return new ModelLocation(asPath, chosenBy);
        looked.Add($"the file '{asPath}'");
        if (Directory.Exists(asPath))
        {
            var inFolder = new DirectoryInfo(asPath).EnumerateFiles("*.onnx").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault();
            looked.Add($"the folder '{asPath}' (for .onnx files)");
            if (inFolder is not null)
                return new ModelLocation(inFolder.FullName, chosenBy);
        }

        return ModelReference.TryParse(value, out var reference) ? FromStore(reference, chosenBy, store, looked) : null;
    }

    private static ModelLocation? FromStore(ModelReference reference, string chosenBy, ModelStore store, List<string> looked)
    {
        if (store.FindPreferred(reference) is { } installed)
            return new ModelLocation(installed.Path, $"{chosenBy}: '{installed}' in the model store");
        looked.Add($"the model store '{store.Root}' for '{reference}'");
        return null;
    }

    private static ModelNotFoundException NotFound(ModelStore store, List<string> looked, string headline) =>
        new($"{headline} Looked in: {string.Join("; ", looked)}. " +
            $"Install one with Install-RmbgModel (Get-RmbgModel lists the catalog), register a file you have with " +
            $"Install-RmbgModel -Path <file.onnx> -Name <name>, set $env:{ModelVariable} to a model's path, or pass -Model <path>. " +
            $"The model store is '{store.Root}'.");
}
