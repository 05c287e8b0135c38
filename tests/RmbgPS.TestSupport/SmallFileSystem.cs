using System;
using System.Diagnostics;
using System.IO;

namespace RmbgPS.Tests;

/// <summary>
/// A real, tiny filesystem (tmpfs) mounted in a temporary folder, for what only a full (or read-only) disk shows;
/// read-only is the one unwritable folder root cannot write to either. Mounting needs
/// root on Linux, as the CI machine runs; elsewhere the test fails and says so rather than pretending to pass.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    public string Root { get; }

    public SmallFileSystem(int kilobytes, bool readOnly = false)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("A full-disk test mounts a tmpfs: Linux only.");
        Root = Path.Combine(Path.GetTempPath(), $"rmbgps-smallfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k{(readOnly ? ",ro" : "")}", "tmpfs", Root);
        if (code != 0)
        {
            Directory.Delete(Root);
            throw new InvalidOperationException($"Cannot mount a {kilobytes} KB tmpfs (this test needs root, as CI has): {output}");
        }
    }

    /// <summary>Fills the filesystem until fewer than <paramref name="freeBytes"/> bytes are left.</summary>
    public void FillLeaving(long freeBytes)
    {
        var free = new DriveInfo(Root).AvailableFreeSpace;
        using var filler = new FileStream(Path.Combine(Root, "filler"), FileMode.Create);
        var chunk = new byte[4096];
        for (long written = 0; written < free - freeBytes; written += chunk.Length)
            filler.Write(chunk);
    }

    public void Dispose()
    {
        Run("umount", "-l", Root);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private static (int, string) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text);
    }
}
