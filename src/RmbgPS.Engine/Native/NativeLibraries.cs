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

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var path = FindInModule(libraryName);
        if (path is null)
            return IntPtr.Zero; // fall back to the runtime's default probing (deps.json in test hosts)
        lock (Gate)
        {
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
