using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RmbgPS.Engine.Files;

/// <summary>
/// Writes a file so that readers only ever see the old file or the complete new one: the bytes go to a
/// hidden temporary file in the same folder (same volume, so the final move is a rename), which is
/// moved into place only after the writer finished; on any failure or cancellation it is deleted. A process
/// killed mid-write cannot delete its temporary file, so the name says who owns it and
/// <see cref="SweepStale"/> removes those whose owner is gone.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>A temporary file of another machine (a shared folder) is left alone until no write can still be in progress.</summary>
    public static readonly TimeSpan ForeignOwnerGrace = TimeSpan.FromHours(1);

    private static readonly string Owner = OwnerLabelOf(Environment.MachineName, Environment.ProcessId);

    /// <summary>How a process names itself in its temporary files ("host-pid"): a remote node's caller sweeps what the node leaves if it dies.</summary>
    public static string OwnerLabelOf(string machineName, int processId) => $"{NonLabel().Replace(machineName, "_")}-{processId}";

    public static void Write(string path, bool overwrite, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        if (!overwrite && File.Exists(fullPath))
            throw FileException.OutputExists(fullPath);

        var temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Owner}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                cancellationToken.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, fullPath, overwrite);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException io && !overwrite && File.Exists(fullPath))
                throw FileException.OutputExists(fullPath, inner: io);
            if (e is UnauthorizedAccessException or IOException)
                throw new FileException(FileErrorKind.WriteFailed, fullPath, $"Cannot write '{fullPath}': {e.Message} Check that the folder is writable and the disk has space.", e);
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> when missing and checks that a file can be created in it, with a probe
    /// named like every temporary file (so <see cref="SweepStale"/> finds one a kill leaves behind). Callers check
    /// each output folder once, before any model runs for it.
    /// </summary>
    public static void EnsureWritable(string folder)
    {
        var probe = Path.Combine(folder, $".rmbgps-probe.{Owner}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            throw new FileException(FileErrorKind.FolderNotWritable, folder,
                $"Cannot create files in the output folder '{folder}': {Reason(e, probe)}. Choose a folder you can write to with -OutputPath, or make this one writable.", e);
        }
    }

    /// <summary>The system's reason ("Read-only file system"), without the probe's hidden name, which means nothing to a user.</summary>
    private static string Reason(Exception e, string probe) =>
        e is UnauthorizedAccessException ? "access is denied" : e.Message.Replace($" : '{probe}'", "").Replace(probe, "").TrimEnd('.', ' ');

    /// <summary>
    /// Deletes this writer's temporary files in <paramref name="folder"/> that nobody can still own: this
    /// machine's whose process has ended, and others (another machine's in a shared folder, or unnamed from
    /// older versions) not written to for <see cref="ForeignOwnerGrace"/>. Returns the names deleted.
    /// </summary>
    public static IReadOnlyList<string> SweepStale(string folder)
    {
        var deleted = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, ".*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return deleted; // nothing to sweep where nothing can be listed
        }
        var host = HostLabel();
        foreach (var path in candidates)
        {
            var match = TemporaryName().Match(Path.GetFileName(path));
            if (!match.Success)
                continue; // not ours
            var stale = match.Groups["host"].Value == host && int.TryParse(match.Groups["pid"].Value, out var pid)
                ? !IsRunning(pid) // this machine's: exactly when its writer has ended
                : DateTime.UtcNow - File.GetLastWriteTimeUtc(path) >= ForeignOwnerGrace;
            if (!stale)
                continue;
            if (TryDelete(path))
                deleted.Add(Path.GetFileName(path));
        }
        return deleted;
    }

    /// <summary>
    /// Deletes the temporary files in <paramref name="folder"/> that the writer named <paramref name="owner"/>
    /// (<see cref="OwnerLabelOf"/>) left: for a writer known to be gone, such as a remote node whose session broke.
    /// </summary>
    public static IReadOnlyList<string> SweepOwnedBy(string folder, string owner)
    {
        var deleted = new List<string>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(folder, $".*.{owner}.*.tmp").ToList())
            {
                var match = TemporaryName().Match(Path.GetFileName(path));
                if (match.Success && $"{match.Groups["host"].Value}-{match.Groups["pid"].Value}" == owner && TryDelete(path))
                    deleted.Add(Path.GetFileName(path));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // nothing to sweep where nothing can be listed
        }
        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string HostLabel() => NonLabel().Replace(Environment.MachineName, "_");

    // ".<file>.<host>-<pid>.<32 hex>.tmp", or ".<file>.<32 hex>.tmp" as versions before the owner was named wrote them.
    [GeneratedRegex(@"^\..+?(\.(?<host>[A-Za-z0-9_]+)-(?<pid>\d+))?\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonLabel();

    /// <summary>Deletes a file if it can; a file left behind is only untidy.</summary>
    internal static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
