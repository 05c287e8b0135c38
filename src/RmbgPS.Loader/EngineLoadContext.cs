using System.Reflection;
using System.Runtime.Loader;

namespace RmbgPS.Loader;

/// <summary>
/// The load context of the engine and its dependencies (ONNX Runtime, SkiaSharp, System.Numerics.Tensors),
/// all from the module's <c>engine/</c> folder. Another module may already have loaded a different SkiaSharp
/// or ONNX Runtime into PowerShell's default context; ours must neither use theirs nor replace it, so only
/// this cmdlet assembly lives in the default context and sees the engine through <see cref="ResolveEngine"/>.
/// (Microsoft's "Resolving PowerShell module assembly dependency conflicts", the ALC pattern.)
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    public const string FolderName = "engine";
    private const string EngineAssemblyName = "RmbgPS.Engine";

    private static readonly object Gate = new();
    private static EngineLoadContext? instance;

    private readonly string folder;

    private EngineLoadContext(string folder) : base("RmbgPS.Engine", isCollectible: false) => this.folder = folder;

    /// <summary>The folder the engine assemblies load from: <c>engine/</c> beside this assembly.</summary>
    public static string EngineFolder { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location) ?? AppContext.BaseDirectory, FolderName);

    /// <summary>Hooks the default context once per process; importing the module again changes nothing.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (instance is not null)
                return;
            instance = new EngineLoadContext(EngineFolder);
            Default.Resolving += ResolveEngine;
        }
    }

    /// <summary>Only the engine itself is handed to the default context; its dependencies stay in ours.</summary>
    private static Assembly? ResolveEngine(AssemblyLoadContext requester, AssemblyName name)
    {
        if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal) || instance is null)
            return null;
        return instance.LoadFromAssemblyName(name);
    }

    /// <summary>Any assembly shipped in the engine folder loads from there; everything else (the framework) from the default context.</summary>
    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
