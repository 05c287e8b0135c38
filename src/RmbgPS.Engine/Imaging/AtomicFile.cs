namespace RmbgPS.Engine.Imaging;

/// <summary>
/// Writes a file so that readers only ever see the old file or the complete new one: the bytes go to a
/// hidden temporary file in the same folder (same volume, so the final move is a rename), which is
/// moved into place only after the writer finished; on any failure or cancellation it is deleted.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, bool overwrite, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        if (!overwrite && File.Exists(fullPath))
            throw ImageException.OutputExists(fullPath);

        var temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
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
                throw ImageException.OutputExists(fullPath, io);
            if (e is UnauthorizedAccessException or IOException)
                throw new ImageException(ImageErrorKind.WriteFailed, fullPath, $"Cannot write '{fullPath}': {e.Message} Check that the folder is writable and the disk has space.", e);
            throw;
        }
    }

    /// <summary>Deletes a file if it can; a file left behind is only untidy.</summary>
    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
