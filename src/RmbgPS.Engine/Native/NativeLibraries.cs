using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace RmbgPS.Engine.Native;

/// <summary>
/// Makes ONNX Runtime and Skia load their native libraries from this module's own folder, by full path.
/// PowerShell's native probing does not look in runtimes/&lt;rid&gt;/native, and the default search would
/// happily pick up another copy (Windows 11 ships an old onnxruntime.dll in System32).
/// Must run before the first call into either library.
/// </summary>
public static class NativeLibraries
{
    private static readonly object Gate = new();
    private static bool registered;
    private static readonly Dictionary<string, IntPtr> Loaded = new(StringComparer.Ordinal);
    private const string OnnxRuntimeName = "onnxruntime";
    private static string? onnxRuntimeFolder;
    private static bool onnxRuntimeChosen;

    /// <summary>The folder the engine assembly was loaded from: the module folder once installed.</summary>
    public static string BaseDirectory { get; } = Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location) ?? AppContext.BaseDirectory;

    public static void EnsureRegistered()
    {
        if (Volatile.Read(ref registered))
            return;
        lock (Gate)
        {
            if (registered)
                return;
            // ORT registers its own resolver unless told not to; ours must win.
            OrtEnv.DisableDllImportResolver = true;
            TrySetResolver(typeof(OrtEnv).Assembly);
            TrySetResolver(typeof(SKBitmap).Assembly);
            Volatile.Write(ref registered, true);
        }
    }

    private static void TrySetResolver(Assembly assembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone (a host that loaded the same assembly first) already set one; theirs stays.
        }
    }

    /// <summary>
    /// Loads ONNX Runtime from this folder instead of the module's own copy: ONNX Runtime's CUDA build, installed into
    /// the model store, whose provider libraries sit beside it (ONNX Runtime looks for them next to itself). Takes
    /// effect only before ONNX Runtime is first loaded in the process; false after that, when nothing changes.
    /// </summary>
    public static bool UseOnnxRuntimeFrom(string folder)
    {
        lock (Gate)
        {
            if (OnnxRuntimePath is { } loaded)
                return string.Equals(Path.GetDirectoryName(loaded), folder, StringComparison.Ordinal);
            if (onnxRuntimeChosen)
                return false; // ONNX Runtime came from elsewhere (the runtime's own probing): too late to choose
            onnxRuntimeFolder = folder;
            return true;
        }
    }

    /// <summary>The ONNX Runtime library this process loaded (by full path), or null before it is loaded.</summary>
    public static string? OnnxRuntimePath
    {
        get
        {
            lock (Gate)
                return Loaded.Keys.FirstOrDefault(p => Path.GetFileName(p) == PlatformFileName(OnnxRuntimeName));
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (Gate)
        {
            // Chosen under the lock UseOnnxRuntimeFrom takes, so a folder set there is either used here or refused there.
            var isOnnxRuntime = libraryName == OnnxRuntimeName;
            var path = isOnnxRuntime && onnxRuntimeFolder is { } folder
                && Path.Combine(folder, PlatformFileName(OnnxRuntimeName)) is var chosen && File.Exists(chosen)
                ? chosen
                : FindInModule(libraryName);
            onnxRuntimeChosen |= isOnnxRuntime;
            if (path is null)
                return IntPtr.Zero; // fall back to the runtime's default probing (deps.json in test hosts)
            if (Loaded.TryGetValue(path, out var handle))
                return handle;
            handle = NativeLibrary.Load(path);
            Loaded[path] = handle;
            return handle;
        }
    }

    /// <summary>The full path of a native library in this module's folder for the running OS and CPU, or null.</summary>
    public static string? FindInModule(string libraryName)
    {
        var fileName = PlatformFileName(libraryName);
        foreach (var rid in RuntimeIdentifiers())
        {
            var candidate = Path.Combine(BaseDirectory, "runtimes", rid, "native", fileName);
            if (File.Exists(candidate))
                return candidate;
        }
        var beside = Path.Combine(BaseDirectory, fileName);
        return File.Exists(beside) ? beside : null;
    }

    private static string PlatformFileName(string libraryName)
    {
        var name = Path.GetFileNameWithoutExtension(libraryName) == libraryName ? libraryName : Path.GetFileNameWithoutExtension(libraryName);
        if (OperatingSystem.IsWindows())
            return name + ".dll";
        var withPrefix = name.StartsWith("lib", StringComparison.Ordinal) ? name : "lib" + name;
        return withPrefix + (OperatingSystem.IsMacOS() ? ".dylib" : ".so");
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows())
            yield return "win-" + arch;
        else if (OperatingSystem.IsMacOS())
        {
            yield return "osx-" + arch;
            yield return "osx"; // Skia ships one universal dylib
        }
        else
        {
            if (IsMusl())
                yield return "linux-musl-" + arch;
            yield return "linux-" + arch;
        }
    }

    private static bool IsMusl() =>
        RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase);
}
