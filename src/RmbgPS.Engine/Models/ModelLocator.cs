namespace RmbgPS.Engine.Models;

/// <summary>Which model file to use, and which setting chose it (for -Verbose and error messages).</summary>
public sealed record ModelLocation(string Path, string ChosenBy);

/// <summary>Raised when no model can be found; the message lists every place looked.</summary>
public sealed class ModelNotFoundException(string message) : FileNotFoundException(message);

/// <summary>
/// Finds the model: an explicit -Model, else the session's configured model (Set-RmbgDevice -Model),
/// else $env:RMBG_MODEL, else the newest .onnx in the model store. A model can be given as a path to a
/// file, a folder holding .onnx files, or a name in the store (name.onnx or name/*.onnx).
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

    public static ModelLocation Locate(string? explicitModel, string? configuredModel)
    {
        var looked = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitModel))
            return Resolve(explicitModel, "-Model", looked) ?? throw NotFound(looked, $"The model '{explicitModel}' given with -Model was not found.");
        if (!string.IsNullOrWhiteSpace(configuredModel))
            return Resolve(configuredModel, "Set-RmbgDevice -Model", looked) ?? throw NotFound(looked, $"The model '{configuredModel}' set with Set-RmbgDevice -Model was not found.");

        var fromEnv = Environment.GetEnvironmentVariable(ModelVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Resolve(fromEnv, $"$env:{ModelVariable}", looked) ?? throw NotFound(looked, $"The model '{fromEnv}' named by $env:{ModelVariable} was not found.");
        looked.Add($"$env:{ModelVariable} (not set)");

        var store = StoreFolder;
        var newest = NewestOnnx(store);
        looked.Add($"the model store '{store}' ({(Directory.Exists(store) ? "no .onnx file in it" : "folder does not exist")})");
        if (newest is not null)
            return new ModelLocation(newest, $"newest model in the store '{store}'");
        throw NotFound(looked, "No background-removal model was found.");
    }

    private static ModelLocation? Resolve(string value, string chosenBy, List<string> looked)
    {
        var asPath = System.IO.Path.GetFullPath(Environment.ExpandEnvironmentVariables(value));
        if (File.Exists(asPath))
            return new ModelLocation(asPath, chosenBy);
        looked.Add($"the file '{asPath}'");
        if (Directory.Exists(asPath))
        {
            var inFolder = NewestOnnx(asPath);
            looked.Add($"the folder '{asPath}' (for .onnx files)");
            if (inFolder is not null)
                return new ModelLocation(inFolder, chosenBy);
        }

        if (value.IndexOfAny(['/', '\\']) >= 0)
            return null;
        var store = StoreFolder;
        var name = value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? value[..^5] : value;
        foreach (var candidate in new[] { System.IO.Path.Combine(store, name + ".onnx"), System.IO.Path.Combine(store, name, name + ".onnx") })
        {
            if (File.Exists(candidate))
                return new ModelLocation(candidate, chosenBy);
            looked.Add($"'{candidate}'");
        }
        var folder = System.IO.Path.Combine(store, name);
        var newest = NewestOnnx(folder);
        return newest is null ? null : new ModelLocation(newest, chosenBy);
    }

    private static string? NewestOnnx(string folder)
    {
        if (!Directory.Exists(folder))
            return null;
        return new DirectoryInfo(folder).EnumerateFiles("*.onnx", SearchOption.TopDirectoryOnly)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Select(f => f.FullName)
            .FirstOrDefault();
    }

    private static ModelNotFoundException NotFound(List<string> looked, string headline) =>
        new($"{headline} Looked in: {string.Join("; ", looked)}. " +
            $"Put an RMBG .onnx model in '{StoreFolder}', set $env:{ModelVariable} to its path, or pass -Model <path>.");
}
